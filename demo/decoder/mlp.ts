/**
 * The gated feed-forward block: down(act(gate(x)) * up(x)). SwiGLU (SiLU) for Llama, Qwen and
 * Phi-3; GELU with the tanh approximation for Gemma. Phi-3 stores gate and up as one fused
 * projection (gate_up_proj) and splits its output, as the original checkpoint does.
 */
import type { DecoderGraphBuilder } from './decoder-graph-builder.js';

export interface MlpOptions {
  hidden: number;
  intermediate: number;
  activation: 'silu' | 'gelu_tanh';
  fusedGateUp: boolean;
}

function silu(g: DecoderGraphBuilder, prefix: string, x: string): string {
  return g.op('Mul', [x, g.op('Sigmoid', [x], `${prefix}.sigmoid`)], `${prefix}.out`);
}

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))), PyTorch's gelu(approximate="tanh"). */
function geluTanh(g: DecoderGraphBuilder, prefix: string, x: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x], `${prefix}.square`), x], `${prefix}.cube`);
  const inner = g.op('Add', [x, g.op('Mul', [cube, g.scalar(0.044715)], `${prefix}.cube_scaled`)], `${prefix}.inner`);
  const tanh = g.op('Tanh', [g.op('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))], `${prefix}.tanh_in`)], `${prefix}.tanh`);
  const onePlus = g.op('Add', [tanh, g.scalar(1)], `${prefix}.one_plus`);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)], `${prefix}.half_x`), onePlus], `${prefix}.out`);
}

export function gatedMlp(g: DecoderGraphBuilder, prefix: string, x: string, opts: MlpOptions): string {
  let gate: string;
  let up: string;
  if (opts.fusedGateUp) {
    const fused = g.op('MatMul', [x, g.matrix(`${prefix}.gate_up_proj.weight`, opts.hidden, 2 * opts.intermediate)], `${prefix}.gate_up`);
    [gate, up] = g.ops('Split', [fused, g.ints([opts.intermediate, opts.intermediate])], [`${prefix}.gate`, `${prefix}.up`], {
      axis: -1,
    }) as [string, string];
  } else {
    gate = g.op('MatMul', [x, g.matrix(`${prefix}.gate_proj.weight`, opts.hidden, opts.intermediate)], `${prefix}.gate`);
    up = g.op('MatMul', [x, g.matrix(`${prefix}.up_proj.weight`, opts.hidden, opts.intermediate)], `${prefix}.up`);
  }
  const activated = opts.activation === 'silu' ? silu(g, `${prefix}.act`, gate) : geluTanh(g, `${prefix}.act`, gate);
  const product = g.op('Mul', [activated, up], `${prefix}.gated`);
  return g.op('MatMul', [product, g.matrix(`${prefix}.down_proj.weight`, opts.intermediate, opts.hidden)], `${prefix}.out`);
}
