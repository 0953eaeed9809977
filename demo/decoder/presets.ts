/** Ready-made decoder shapes for tests and the bench. */
import type { DecoderFamily } from './families.js';
import type { DecoderModelOptions } from './write-decoder-model.js';

/**
 * A few-MB decoder for tests: 2 layers, 4 query heads sharing 2 KV heads (real GQA), hidden 64.
 * Qwen3 and Gemma get an explicit head_dim that differs from hidden/heads, as their real
 * configs do, so a reader that assumes hidden/heads fails.
 */
export function tinyDecoder(family: DecoderFamily = 'llama', overrides: Partial<DecoderModelOptions> = {}): DecoderModelOptions {
  const explicitHeadDim = family === 'qwen3' || family === 'gemma';
  return {
    family,
    layers: 2,
    hidden: 64,
    heads: 4,
    kvHeads: 2,
    headDim: explicitHeadDim ? 24 : 16,
    intermediate: 128,
    merges: 400,
    maxPositions: 2048,
    seed: 7,
    ...overrides,
  };
}

/**
 * SmolLM2-135M's dimensions (LlamaForCausalLM): 30 layers, hidden 576, 9 heads over 3 KV heads,
 * SwiGLU 1536, vocab 49152, RoPE theta 100000, tied embeddings. About 135M parameters, 540 MB
 * of float32 weights: generate it in the bench, into a temporary directory.
 */
export const smolLM2_135M: DecoderModelOptions = {
  family: 'llama',
  layers: 30,
  hidden: 576,
  heads: 9,
  kvHeads: 3,
  headDim: 64,
  intermediate: 1536,
  vocab: 49152,
  merges: 400,
  ropeTheta: 100000,
  rmsNormEps: 1e-5,
  maxPositions: 8192,
  tieWordEmbeddings: true,
  seed: 135,
};
