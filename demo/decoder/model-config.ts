/**
 * config.json and generation_config.json with the keys each family's real checkpoint has
 * (transformers.js reads model_type, the head counts, head_dim and the token ids from them).
 */
import type { DecoderSpec } from './decoder-graph.js';
import { FAMILY_TRAITS } from './families.js';
import type { TokenizerFiles } from './tokenizer-files.js';

const TRANSFORMERS_VERSION = '4.46.0';

function familyKeys(spec: DecoderSpec): Record<string, unknown> {
  switch (spec.family) {
    case 'llama':
      return { attention_bias: false, attention_dropout: 0.0, mlp_bias: false, pretraining_tp: 1, rope_scaling: null };
    case 'qwen2':
      return {
        attention_dropout: 0.0,
        max_window_layers: spec.layers,
        rope_scaling: null,
        sliding_window: spec.maxPositions,
        use_sliding_window: false,
      };
    case 'qwen3':
      return {
        attention_bias: false,
        attention_dropout: 0.0,
        max_window_layers: spec.layers,
        rope_scaling: null,
        sliding_window: null,
        use_sliding_window: false,
      };
    case 'phi3':
      return {
        attention_bias: false,
        attention_dropout: 0.0,
        embd_pdrop: 0.0,
        resid_pdrop: 0.0,
        original_max_position_embeddings: spec.maxPositions,
        rope_scaling: null,
        sliding_window: spec.maxPositions - 1,
      };
    case 'gemma':
      return { attention_bias: false, attention_dropout: 0.0, hidden_activation: 'gelu_pytorch_tanh', rope_scaling: null };
  }
}

/** Token ids as the family's config writes them (Qwen's bos is its <|endoftext|>). */
function tokenIds(tokenizer: TokenizerFiles): { bos: number; eos: number; pad: number } {
  const c = tokenizer.conventions;
  return {
    bos: tokenizer.idOf(c.bos ?? c.pad),
    eos: tokenizer.idOf(c.eos),
    pad: tokenizer.idOf(c.pad),
  };
}

export function buildConfigJson(spec: DecoderSpec, tokenizer: TokenizerFiles, externalData: boolean): object {
  const traits = FAMILY_TRAITS[spec.family];
  const ids = tokenIds(tokenizer);
  const config: Record<string, unknown> = {
    architectures: [traits.architecture],
    model_type: traits.modelType,
    bos_token_id: ids.bos,
    eos_token_id: ids.eos,
    pad_token_id: ids.pad,
    hidden_act: traits.hiddenAct,
    hidden_size: spec.hidden,
    initializer_range: 0.02,
    intermediate_size: spec.intermediate,
    max_position_embeddings: spec.maxPositions,
    num_attention_heads: spec.heads,
    num_hidden_layers: spec.layers,
    num_key_value_heads: spec.kvHeads,
    rms_norm_eps: spec.rmsNormEps,
    rope_theta: spec.ropeTheta,
    tie_word_embeddings: spec.tieWordEmbeddings,
    torch_dtype: 'float32',
    transformers_version: TRANSFORMERS_VERSION,
    use_cache: true,
    vocab_size: spec.vocab,
    ...familyKeys(spec),
  };
  if (traits.writesHeadDim || spec.headDim * spec.heads !== spec.hidden) config.head_dim = spec.headDim;
  // transformers.js only fetches onnx/model.onnx_data when the config says it exists.
  if (externalData) config['transformers.js_config'] = { use_external_data_format: { 'model.onnx': 1 } };
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => a.localeCompare(b)));
}

export function buildGenerationConfigJson(tokenizer: TokenizerFiles): object {
  const ids = tokenIds(tokenizer);
  const stops = tokenizer.conventions.stopTokens.map((t) => tokenizer.idOf(t));
  return {
    bos_token_id: ids.bos,
    eos_token_id: stops.length === 1 ? stops[0] : stops,
    pad_token_id: ids.pad,
    transformers_version: TRANSFORMERS_VERSION,
  };
}
