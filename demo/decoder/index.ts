/** Random-weight decoder models in the Hugging Face Optimum / transformers.js layout. */
export {
  writeDecoderModel,
  ensureDecoderModel,
  resolveDecoderSpec,
  type DecoderModelOptions,
  type WrittenDecoderModel,
} from './write-decoder-model.js';
export { tinyDecoder, smolLM2_135M } from './presets.js';
export { DECODER_FAMILIES, FAMILY_TRAITS, type DecoderFamily } from './families.js';
export { buildDecoderModel, buildDecoderOnnx, type DecoderSpec } from './decoder-graph.js';
export { buildTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';
export { trainByteLevelBpe, bytesToUnicode } from './bpe-trainer.js';
export { parameterCount } from './model-card.js';
export { quantizeDynamic } from './quantize-dynamic.js';
