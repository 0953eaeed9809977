/**
 * README.md, the model card a Hugging Face download carries. It records the build options, so
 * ensureDecoderModel can tell a finished build of the same model from one it must redo.
 */
import type { DecoderSpec } from './decoder-graph.js';
import { FAMILY_TRAITS } from './families.js';

/** Weights in the graph, as the family's PyTorch checkpoint would count them. */
export function parameterCount(spec: DecoderSpec): number {
  const traits = FAMILY_TRAITS[spec.family];
  const q = spec.heads * spec.headDim;
  const kv = spec.kvHeads * spec.headDim;
  const attention =
    spec.hidden * (q + 2 * kv) + q * spec.hidden + (traits.qkvBias ? q + 2 * kv : 0) + (traits.qkNorm ? 2 * spec.headDim : 0);
  const mlp = 3 * spec.hidden * spec.intermediate;
  const perLayer = attention + mlp + 2 * spec.hidden;
  const embeddings = spec.vocab * spec.hidden * (spec.tieWordEmbeddings ? 1 : 2);
  return embeddings + spec.layers * perLayer + spec.hidden;
}

export function buildModelCard(spec: DecoderSpec, options: object, files: string[]): string {
  const traits = FAMILY_TRAITS[spec.family];
  const millions = (parameterCount(spec) / 1e6).toFixed(2);
  return [
    '---',
    'library_name: transformers.js',
    'pipeline_tag: text-generation',
    'tags: [random-weights, sluice-test-model]',
    '---',
    `# Random-weight ${traits.architecture} (${millions}M parameters)`,
    '',
    `Seeded random weights (seed ${spec.seed}): it generates tokens, not meaning. Built by Sluice's`,
    'demo/decoder for tests and benchmarks, in the Optimum / transformers.js layout.',
    '',
    `- ${spec.layers} layers, hidden ${spec.hidden}, ${spec.heads} attention heads over ${spec.kvHeads} KV heads of ${spec.headDim}`,
    `- MLP ${spec.intermediate} (${traits.hiddenAct}), vocab ${spec.vocab}, RoPE theta ${spec.ropeTheta}, tied embeddings: ${spec.tieWordEmbeddings}`,
    '',
    'Files:',
    '',
    ...files.map((f) => `- ${f}`),
    '',
    'Build options:',
    '',
    '```json',
    JSON.stringify(options, null, 2),
    '```',
    '',
  ].join('\n');
}
