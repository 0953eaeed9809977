/**
 * Self-attention with a KV cache and grouped-query attention.
 *
 * Each of the kvHeads key/value heads serves heads/kvHeads query heads (HF's repeat_kv order:
 * query head h reads KV head floor(h / group)). Instead of materialising the repeated keys, the
 * queries are viewed as [batch, kvHeads, group, seq, head_dim] and MatMul broadcasts the keys
 * [batch, kvHeads, 1, total, head_dim] over the group: the same numbers, less memory.
 *
 * Family differences: Qwen2 has q/k/v biases; Qwen3 RMS-normalises each query and key head
 * before RoPE; Phi-3 stores q, k and v as one fused projection (qkv_proj).
 */
import type { DecoderGraphBuilder } from './decoder-graph-builder.js';
import { rmsNorm, type RmsNormOptions } from './norms.js';
import { applyRope, type RopeTables } from './rope.js';

export interface AttentionOptions {
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  qkvBias: boolean;
  /** Qwen3's per-head q_norm/k_norm; null elsewhere. */
  qkNorm: RmsNormOptions | null;
  fusedQkv: boolean;
}

/**
 * Query weights (or Qwen3's q_norm weights) this many times larger than the others: random
 * attention is then peaked rather than a near-uniform average. A deep random decoder whose
 * layers all average over the context collapses to one output whatever the input (greedy
 * decoding then repeats one token); trained models have peaked attention too.
 */
const QUERY_SCALE = 3;

export const pastKeyName = (layer: number) => `past_key_values.${layer}.key`;
export const pastValueName = (layer: number) => `past_key_values.${layer}.value`;
export const presentKeyName = (layer: number) => `present.${layer}.key`;
export const presentValueName = (layer: number) => `present.${layer}.value`;

/** q, k, v as [batch, seq, width] before the heads are split. */
function projections(g: DecoderGraphBuilder, p: string, x: string, o: AttentionOptions): [string, string, string] {
  const qWidth = o.heads * o.headDim;
  const kvWidth = o.kvHeads * o.headDim;
  const qScale = o.qkNorm ? 1 : QUERY_SCALE; // with q_norm, the norm's weights set the scale
  if (o.fusedQkv) {
    const weight = g.fusedMatrix(`${p}.qkv_proj.weight`, o.hidden, [
      { width: qWidth, scale: qScale },
      { width: kvWidth, scale: 1 },
      { width: kvWidth, scale: 1 },
    ]);
    const fused = g.op('MatMul', [x, weight], `${p}.qkv`);
    return g.ops('Split', [fused, g.ints([qWidth, kvWidth, kvWidth])], [`${p}.q`, `${p}.k`, `${p}.v`], { axis: -1 }) as [
      string,
      string,
      string,
    ];
  }
  const project = (name: string, width: number, scale = 1): string => {
    const product = g.op('MatMul', [x, g.matrix(`${p}.${name}_proj.weight`, o.hidden, width, scale)], `${p}.${name}_matmul`);
    if (!o.qkvBias) return product;
    return g.op('Add', [product, g.uniform(`${p}.${name}_proj.bias`, [width], 0.05)], `${p}.${name}`);
  };
  return [project('q', qWidth, qScale), project('k', kvWidth), project('v', kvWidth)];
}

/** [batch, seq, heads * head_dim] -> [batch, heads, seq, head_dim], with Qwen3's per-head norm. */
function toHeads(g: DecoderGraphBuilder, name: string, x: string, heads: number, o: AttentionOptions, normGain = 1): string {
  let split = g.op('Reshape', [x, g.ints([0, 0, heads, o.headDim])], `${name}.split_heads`);
  if (o.qkNorm) split = rmsNorm(g, `${name}_norm`, split, o.headDim, { ...o.qkNorm, gain: normGain });
  return g.op('Transpose', [split], `${name}.heads`, { perm: [0, 2, 1, 3] });
}

/** Attention output projected back to [batch, seq, hidden]; writes present.{layer}.key|value. */
export function selfAttention(
  g: DecoderGraphBuilder,
  layer: number,
  x: string,
  rope: RopeTables,
  maskBias: string,
  o: AttentionOptions,
): string {
  const p = `model.layers.${layer}.self_attn`;
  const group = o.heads / o.kvHeads;
  const [q, k, v] = projections(g, p, x, o);
  const qRotated = applyRope(g, `${p}.q_rope`, toHeads(g, `${p}.q`, q, o.heads, o, QUERY_SCALE), rope);
  const kRotated = applyRope(g, `${p}.k_rope`, toHeads(g, `${p}.k`, k, o.kvHeads, o), rope);
  const vHeads = g.op('Transpose', [g.op('Reshape', [v, g.ints([0, 0, o.kvHeads, o.headDim])], `${p}.v.split_heads`)], `${p}.v.heads`, {
    perm: [0, 2, 1, 3],
  });

  // The cache grows along the sequence axis: [batch, kvHeads, past + seq, head_dim].
  const keys = g.op('Concat', [pastKeyName(layer), kRotated], presentKeyName(layer), { axis: 2 });
  const values = g.op('Concat', [pastValueName(layer), vHeads], presentValueName(layer), { axis: 2 });

  const groupedQueries = g.op('Reshape', [qRotated, g.ints([0, o.kvHeads, group, -1, o.headDim])], `${p}.q_grouped`);
  const keysT = g.op('Transpose', [g.op('Unsqueeze', [keys, g.ints([2])], `${p}.k_grouped`)], `${p}.k_grouped_t`, {
    perm: [0, 1, 2, 4, 3],
  });
  const scores = g.op(
    'Mul',
    [g.op('MatMul', [groupedQueries, keysT], `${p}.scores_raw`), g.scalar(1 / Math.sqrt(o.headDim))],
    `${p}.scores_scaled`,
  );
  const probs = g.op('Softmax', [g.op('Add', [scores, maskBias], `${p}.scores`)], `${p}.probs`, { axis: -1 });
  const context = g.op('MatMul', [probs, g.op('Unsqueeze', [values, g.ints([2])], `${p}.v_grouped`)], `${p}.context_grouped`);

  const perHead = g.op('Reshape', [context, g.ints([0, o.heads, -1, o.headDim])], `${p}.context_heads`);
  const perPosition = g.op('Transpose', [perHead], `${p}.context_t`, { perm: [0, 2, 1, 3] });
  const merged = g.op('Reshape', [perPosition, g.ints([0, 0, o.heads * o.headDim])], `${p}.context`);
  return g.op('MatMul', [merged, g.matrix(`${p}.o_proj.weight`, o.heads * o.headDim, o.hidden)], `${p}.out`);
}
