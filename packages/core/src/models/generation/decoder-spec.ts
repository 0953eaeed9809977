/**
 * What a decoder-only graph in the Hugging Face Optimum / transformers.js layout takes and returns, worked out
 * once at load time from the session's inputs and outputs and the model's config.json (layer count,
 * grouped-query attention head counts, head width). Plain data: it crosses to the worker with every step.
 */
import type { WireValueInfo } from '../runtime/worker-protocol.js';

export interface DecoderSpec {
  layers: number;
  /** Key/value heads (fewer than attention heads under grouped-query attention). */
  kvHeads: number;
  headDim: number;
  /** `past_key_values.N.key|value` inputs and the `present.N.key|value` outputs that replace them, per layer. */
  past: { key: string; value: string }[];
  present: { key: string; value: string }[];
  kvType: 'float32' | 'float16';
  logits: string;
  logitsType: 'float32' | 'float16';
  inputIdsType: 'int64' | 'int32';
  hasAttentionMask: boolean;
  hasPositionIds: boolean;
  hasUseCacheBranch: boolean;
  /** `num_logits_to_keep` (or `logits_to_keep`) when the graph has it: fed 1, only the last position's logits are needed. */
  logitsToKeepInput?: string;
}

/** The fields of a Hugging Face config.json that shape the KV cache. */
export interface HfDecoderConfig {
  architectures?: string[];
  num_hidden_layers?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  hidden_size?: number;
  head_dim?: number;
  max_position_embeddings?: number;
  eos_token_id?: number | number[];
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

function dim(shape: (number | string)[], index: number): number | undefined {
  const value = shape[index];
  return typeof value === 'number' && value > 0 ? value : undefined;
}

export function isCausalLm(config: HfDecoderConfig | undefined): boolean {
  return config?.architectures?.some((a) => a.endsWith('ForCausalLM')) ?? false;
}

export function decoderSpecOf(inputs: WireValueInfo[], outputs: WireValueInfo[], config: HfDecoderConfig): DecoderSpec {
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const ids = byName.get('input_ids');
  if (!ids) throw new Error('a text-generation model needs an input named input_ids');
  if (ids.type !== 'int64' && ids.type !== 'int32') throw new Error(`input_ids must be int64 or int32, not ${ids.type}`);
  const logits = outputs.find((o) => o.name === 'logits');
  if (!logits) throw new Error('a text-generation model needs an output named logits');
  if (logits.type !== 'float32' && logits.type !== 'float16') throw new Error(`logits must be float32 or float16, not ${logits.type}`);
  const layerIndexes = new Set<number>();
  for (const input of inputs) {
    const match = PAST.exec(input.name);
    if (match) layerIndexes.add(Number(match[1]));
  }
  const layers = layerIndexes.size;
  if (layers === 0)
    throw new Error(
      'the model has no past_key_values.N.key/value inputs: export it with its KV cache (Optimum "text-generation-with-past")',
    );
  const past = [];
  const present = [];
  for (let layer = 0; layer < layers; layer++) {
    const names = { key: `past_key_values.${layer}.key`, value: `past_key_values.${layer}.value` };
    const out = { key: `present.${layer}.key`, value: `present.${layer}.value` };
    for (const name of [names.key, names.value]) if (!byName.has(name)) throw new Error(`the model lacks input ${name}`);
    for (const name of [out.key, out.value]) if (!outputs.some((o) => o.name === name)) throw new Error(`the model lacks output ${name}`);
    past.push(names);
    present.push(out);
  }
  const first = byName.get(past[0]!.key)!;
  if (first.type !== 'float32' && first.type !== 'float16')
    throw new Error(`past key/values must be float32 or float16, not ${first.type}`);
  const heads = config.num_attention_heads;
  const kvHeads = config.num_key_value_heads ?? heads ?? dim(first.shape, 1);
  const headDim = config.head_dim ?? (config.hidden_size && heads ? config.hidden_size / heads : undefined) ?? dim(first.shape, 3);
  if (!kvHeads || !headDim || !Number.isInteger(headDim))
    throw new Error(
      'config.json does not give the key/value head count and head width (num_key_value_heads, head_dim or hidden_size / num_attention_heads)',
    );
  if ((config.num_hidden_layers ?? layers) !== layers)
    throw new Error(`config.json says ${config.num_hidden_layers} layers but the graph has ${layers}`);
  return {
    layers,
    kvHeads,
    headDim,
    past,
    present,
    kvType: first.type,
    logits: logits.name,
    logitsType: logits.type,
    inputIdsType: ids.type,
    hasAttentionMask: byName.has('attention_mask'),
    hasPositionIds: byName.has('position_ids'),
    hasUseCacheBranch: byName.has('use_cache_branch'),
    logitsToKeepInput: ['num_logits_to_keep', 'logits_to_keep'].find((name) => byName.has(name)),
  };
}

/** KV-cache bytes one token of one sequence takes (every layer's key and value). */
export function kvBytesPerToken(spec: DecoderSpec): number {
  return spec.layers * 2 * spec.kvHeads * spec.headDim * (spec.kvType === 'float16' ? 2 : 4);
}
