/**
 * The JSON Schema of a model's config.json and of the override sent with a repository load
 * (`parameters.config`): one schema, validated by ajv, with a bound on every number and count so that no
 * config can ask for more threads than cores, thousands of sessions or unbounded queues.
 */
import { availableParallelism } from 'node:os';
import { ALIAS_PATTERN, MAX_VERSION_NUMBER } from './model-name.js';

export const MODEL_TASKS = ['raw', 'text-classification', 'text-embedding', 'text-generation', 'pipeline'] as const;

/** The bounds, documented in packages/core/README.md ("Model configuration"). */
export const MODEL_CONFIG_LIMITS = {
  /** ORT intra-op threads per session: more than the machine's cores only oversubscribes it. */
  threads: availableParallelism(),
  instances: 16,
  maxSequenceLength: 32_768,
  maxBatchSize: 1024,
  /** 10 s: a batching delay longer than that is a mistake, not a tuning choice. */
  maxQueueDelayMicroseconds: 10_000_000,
  maxQueueSize: 65_536,
  /** Versions a policy may name or keep loaded (latest N, specific list). */
  policyVersions: 16,
  aliases: 64,
  labels: 100_000,
  labelLength: 256,
  matryoshkaDimensions: 32,
  dimensionWidth: 65_536,
  text: 4096,
  /** text-generation budget bounds. */
  generationSequences: 256,
  generationWaiting: 65_536,
  kvCacheMegabytes: 1_048_576,
  prefillChunkTokens: 65_536,
} as const;

const L = MODEL_CONFIG_LIMITS;
const version = { type: 'integer', minimum: 1, maximum: MAX_VERSION_NUMBER } as const;
const text = { type: 'string', maxLength: L.text } as const;
const emptyObject = { type: 'object', additionalProperties: false } as const;

export const modelConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    task: { enum: [...MODEL_TASKS] },
    description: text,
    labels: { type: 'array', maxItems: L.labels, items: { type: 'string', maxLength: L.labelLength } },
    tokenizer: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[^/\\\\]', not: { type: 'string', pattern: '\\.\\.' } },
    max_sequence_length: { type: 'integer', minimum: 1, maximum: L.maxSequenceLength },
    version_policy: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        latest: {
          type: 'object',
          additionalProperties: false,
          properties: { num_versions: { type: 'integer', minimum: 1, maximum: L.policyVersions } },
        },
        specific: {
          type: 'object',
          additionalProperties: false,
          required: ['versions'],
          properties: { versions: { type: 'array', minItems: 1, maxItems: L.policyVersions, uniqueItems: true, items: version } },
        },
        all: emptyObject,
      },
    },
    threads: { type: 'integer', minimum: 1, maximum: L.threads },
    instances: { type: 'integer', minimum: 1, maximum: L.instances },
    dynamic_batching: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        max_batch_size: { type: 'integer', minimum: 1, maximum: L.maxBatchSize },
        max_queue_delay_microseconds: { type: 'integer', minimum: 0, maximum: L.maxQueueDelayMicroseconds },
        max_queue_size: { type: 'integer', minimum: 1, maximum: L.maxQueueSize },
      },
    },
    aliases: {
      type: 'object',
      maxProperties: L.aliases,
      propertyNames: { type: 'string', pattern: ALIAS_PATTERN.source },
      additionalProperties: version,
    },
    normalize: { type: 'boolean' },
    matryoshka_dimensions: {
      type: 'array',
      minItems: 1,
      maxItems: L.matryoshkaDimensions,
      items: { type: 'integer', minimum: 1, maximum: L.dimensionWidth },
    },
    source: text,
    license: text,
    generation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_sequences: { type: 'integer', minimum: 1, maximum: L.generationSequences },
        max_waiting: { type: 'integer', minimum: 0, maximum: L.generationWaiting },
        max_context_length: { type: 'integer', minimum: 1, maximum: L.maxSequenceLength },
        default_max_tokens: { type: 'integer', minimum: 1, maximum: L.maxSequenceLength },
        kv_cache_mb: { type: 'integer', minimum: 1, maximum: L.kvCacheMegabytes },
        prefill_chunk_tokens: { type: 'integer', minimum: 1, maximum: L.prefillChunkTokens },
      },
    },
  },
} as const;

/** config.json as written (snake_case), once the schema has accepted it. */
export interface RawModelConfig {
  task?: (typeof MODEL_TASKS)[number];
  description?: string;
  labels?: string[];
  tokenizer?: string;
  max_sequence_length?: number;
  version_policy?: { latest?: { num_versions?: number }; specific?: { versions: number[] }; all?: Record<string, never> };
  threads?: number;
  instances?: number;
  dynamic_batching?: { enabled?: boolean; max_batch_size?: number; max_queue_delay_microseconds?: number; max_queue_size?: number };
  aliases?: Record<string, number>;
  normalize?: boolean;
  matryoshka_dimensions?: number[];
  source?: string;
  license?: string;
  generation?: {
    max_sequences?: number;
    max_waiting?: number;
    max_context_length?: number;
    default_max_tokens?: number;
    kv_cache_mb?: number;
    prefill_chunk_tokens?: number;
  };
}
