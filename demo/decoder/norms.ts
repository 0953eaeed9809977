/** RMSNorm as Llama, Qwen, Phi-3 and Gemma define it (no mean subtraction, no bias). */
import type { DecoderGraphBuilder } from './decoder-graph-builder.js';

export interface RmsNormOptions {
  eps: number;
  /** Gemma stores the weight as an offset and multiplies by (1 + weight). */
  plusOne: boolean;
  /** The weights' typical value (default 1); the final norm of a tied model uses it to scale logits. */
  gain?: number;
}

/** x / sqrt(mean(x², last axis) + eps) * weight, over the last axis of size `size`. */
export function rmsNorm(g: DecoderGraphBuilder, prefix: string, x: string, size: number, opts: RmsNormOptions): string {
  const squared = g.op('Mul', [x, x], `${prefix}.squared`);
  const meanSquare = g.op('ReduceMean', [squared], `${prefix}.mean_square`, { axes: [-1], keepdims: 1 });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(opts.eps)], `${prefix}.plus_eps`)], `${prefix}.rms`);
  const normalized = g.op('Div', [x, rms], `${prefix}.normalized`);
  // Random weights near the trained models' values (1, or 0 for Gemma's offset form) rather than
  // exactly those, so a norm applied to the wrong tensor changes the logits.
  const gain = opts.gain ?? 1;
  const weight = g.uniform(`${prefix}.weight`, [size], 0.1 * gain, opts.plusOne ? gain - 1 : gain);
  const scale = opts.plusOne ? g.op('Add', [weight, g.scalar(1)], `${prefix}.one_plus_weight`) : weight;
  return g.op('Mul', [normalized, scale], `${prefix}.out`);
}
