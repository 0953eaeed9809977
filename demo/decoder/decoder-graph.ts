/**
 * A decoder-only transformer as an ONNX graph with the Optimum / transformers.js interface:
 *
 *   input_ids        int64   [batch_size, sequence_length]
 *   attention_mask   int64   [batch_size, total_sequence_length]      (past + current)
 *   position_ids     int64   [batch_size, sequence_length]
 *   past_key_values.{i}.key|value  float32 [batch_size, kv_heads, past_sequence_length, head_dim]
 *   (num_logits_to_keep  int64 scalar, when built with logitsToKeep)
 *     -> logits      float32 [batch_size, sequence_length, vocab]      (or the last num_logits_to_keep)
 *        present.{i}.key|value  float32 [batch_size, kv_heads, total_sequence_length, head_dim]
 *
 * Token embedding, then per layer RMSNorm -> attention (RoPE, GQA, KV cache) -> residual ->
 * RMSNorm -> gated MLP -> residual, then a final RMSNorm and the LM head (the embedding matrix,
 * transposed, when the weights are tied). Weights are seeded random: the text means nothing.
 */
import { makeModel, makeTensorValueInfo, serialize, type onnx } from '../onnx-builder.js';
import { causalPaddingBias } from './attention-mask.js';
import { pastKeyName, pastValueName, presentKeyName, presentValueName, selfAttention } from './attention.js';
import { DecoderGraphBuilder } from './decoder-graph-builder.js';
import { FAMILY_TRAITS, type DecoderFamily } from './families.js';
import { gatedMlp } from './mlp.js';
import { rmsNorm } from './norms.js';
import { ropeTables } from './rope.js';

/** Every dimension resolved (see resolveDecoderSpec for the defaults). */
export interface DecoderSpec {
  family: DecoderFamily;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  ropeTheta: number;
  rmsNormEps: number;
  maxPositions: number;
  tieWordEmbeddings: boolean;
  seed: number;
  /** Adds the num_logits_to_keep input (transformers.js's own exports have it; Optimum's do not). */
  logitsToKeep: boolean;
}

/** Checks the dimensions fit together; a bad preset fails here rather than inside ORT. */
export function validateDecoderSpec(spec: DecoderSpec): void {
  const positive = ['layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'intermediate', 'vocab', 'maxPositions'] as const;
  for (const key of positive) {
    if (!Number.isInteger(spec[key]) || spec[key] < 1) throw new Error(`decoder ${key} must be a positive integer, got ${spec[key]}`);
  }
  if (spec.heads % spec.kvHeads !== 0) throw new Error(`heads (${spec.heads}) must be a multiple of kvHeads (${spec.kvHeads})`);
  if (spec.headDim % 2 !== 0) throw new Error(`headDim (${spec.headDim}) must be even for RoPE`);
}

/**
 * Embeddings a quarter the size of the layers' contributions (uniform, variance 1/(16 hidden)).
 * With a tied LM head, a residual stream dominated by the current token's own embedding scores
 * that token highest, and greedy decoding echoes it forever; small embeddings keep the next
 * token a function of the context. The final norm's gain restores O(1) logits.
 */
const EMBEDDING_FRACTION = 0.25;

/** Half-width of the embedding table's uniform values. */
function embeddingSpread(spec: DecoderSpec): number {
  // Gemma multiplies the embeddings by sqrt(hidden): its table is smaller by as much.
  const scaled = FAMILY_TRAITS[spec.family].scaleEmbeddings;
  return (EMBEDDING_FRACTION * Math.sqrt(3 / spec.hidden)) / (scaled ? Math.sqrt(spec.hidden) : 1);
}

function embed(g: DecoderGraphBuilder, spec: DecoderSpec): { x: string; table: string } {
  const scaled = FAMILY_TRAITS[spec.family].scaleEmbeddings;
  const table = g.uniform('model.embed_tokens.weight', [spec.vocab, spec.hidden], embeddingSpread(spec));
  let x = g.op('Gather', [table, 'input_ids'], 'model.embed_tokens.out', { axis: 0 });
  if (scaled) {
    x = g.op('Mul', [x, g.scalar(Math.sqrt(spec.hidden))], 'model.embed_tokens.scaled');
  }
  return { x, table };
}

/** Keeps the last num_logits_to_keep positions (all of them when it is 0). */
function keepLastPositions(g: DecoderGraphBuilder, x: string): string {
  const keep = g.op('Reshape', ['num_logits_to_keep', g.ints([1])], 'logits_to_keep.vector');
  const negative = g.op('Neg', [keep], 'logits_to_keep.negative');
  const isZero = g.op('Equal', [keep, g.ints([0])], 'logits_to_keep.is_zero');
  const start = g.op('Where', [isZero, g.ints([0]), negative], 'logits_to_keep.start');
  return g.op('Slice', [x, start, g.ints([Number.MAX_SAFE_INTEGER]), g.ints([1])], 'logits_to_keep.hidden');
}

function buildGraph(spec: DecoderSpec): DecoderGraphBuilder {
  const traits = FAMILY_TRAITS[spec.family];
  const norm = { eps: spec.rmsNormEps, plusOne: traits.normPlusOne };
  const g = new DecoderGraphBuilder(spec.seed);

  const { x: embedded, table } = embed(g, spec);
  const rope = ropeTables(g, spec.headDim, spec.ropeTheta);
  const maskBias = causalPaddingBias(g);
  const attention = {
    hidden: spec.hidden,
    heads: spec.heads,
    kvHeads: spec.kvHeads,
    headDim: spec.headDim,
    qkvBias: traits.qkvBias,
    qkNorm: traits.qkNorm ? norm : null,
    fusedQkv: traits.fused,
  };
  const mlp = {
    hidden: spec.hidden,
    intermediate: spec.intermediate,
    activation: traits.hiddenAct === 'silu' ? ('silu' as const) : ('gelu_tanh' as const),
    fusedGateUp: traits.fused,
  };

  let x = embedded;
  for (let l = 0; l < spec.layers; l++) {
    const p = `model.layers.${l}`;
    const attended = selfAttention(g, l, rmsNorm(g, `${p}.input_layernorm`, x, spec.hidden, norm), rope, maskBias, attention);
    x = g.op('Add', [x, attended], `${p}.attention_residual`);
    const mixed = gatedMlp(g, `${p}.mlp`, rmsNorm(g, `${p}.post_attention_layernorm`, x, spec.hidden, norm), mlp);
    x = g.op('Add', [x, mixed], `${p}.mlp_residual`);
  }

  // A tied head reads the small embedding table: scale the final norm up to keep logits O(1).
  const finalGain = spec.tieWordEmbeddings ? Math.sqrt(3 / spec.hidden) / embeddingSpread(spec) : 1;
  let normed = rmsNorm(g, 'model.norm', x, spec.hidden, { ...norm, gain: finalGain });
  if (spec.logitsToKeep) normed = keepLastPositions(g, normed);
  const head = spec.tieWordEmbeddings
    ? g.op('Transpose', [table], 'lm_head.tied_weight', { perm: [1, 0] })
    : g.matrix('lm_head.weight', spec.hidden, spec.vocab);
  g.op('MatMul', [normed, head], 'logits');
  return g;
}

function graphInputs(spec: DecoderSpec): onnx.IValueInfoProto[] {
  const inputs = [
    makeTensorValueInfo('input_ids', 'int64', ['batch_size', 'sequence_length']),
    makeTensorValueInfo('attention_mask', 'int64', ['batch_size', 'total_sequence_length']),
    makeTensorValueInfo('position_ids', 'int64', ['batch_size', 'sequence_length']),
  ];
  for (let l = 0; l < spec.layers; l++) {
    for (const name of [pastKeyName(l), pastValueName(l)]) {
      inputs.push(makeTensorValueInfo(name, 'float32', ['batch_size', spec.kvHeads, 'past_sequence_length', spec.headDim]));
    }
  }
  if (spec.logitsToKeep) inputs.push(makeTensorValueInfo('num_logits_to_keep', 'int64', []));
  return inputs;
}

function graphOutputs(spec: DecoderSpec): onnx.IValueInfoProto[] {
  const outputs = [
    makeTensorValueInfo('logits', 'float32', ['batch_size', spec.logitsToKeep ? 'num_logits' : 'sequence_length', spec.vocab]),
  ];
  for (let l = 0; l < spec.layers; l++) {
    for (const name of [presentKeyName(l), presentValueName(l)]) {
      outputs.push(makeTensorValueInfo(name, 'float32', ['batch_size', spec.kvHeads, 'total_sequence_length', spec.headDim]));
    }
  }
  return outputs;
}

/** The ONNX ModelProto (opset 17) for a decoder. */
export function buildDecoderModel(spec: DecoderSpec): onnx.ModelProto {
  validateDecoderSpec(spec);
  const g = buildGraph(spec);
  return makeModel({
    name: `${spec.family}_decoder`,
    docString: `Random-weight ${FAMILY_TRAITS[spec.family].architecture} (${spec.layers} layers, hidden ${spec.hidden}, seed ${spec.seed}) built by sluice demo/decoder.`,
    metadata: { family: spec.family, seed: String(spec.seed) },
    inputs: graphInputs(spec),
    outputs: graphOutputs(spec),
    initializers: g.initializers,
    nodes: g.nodes,
  });
}

/** The bytes of onnx/model.onnx. */
export function buildDecoderOnnx(spec: DecoderSpec): Uint8Array {
  return serialize(buildDecoderModel(spec));
}
