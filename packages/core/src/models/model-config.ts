/**
 * A model's optional config.json: everything the ONNX file cannot tell (task, labels, version policy...).
 * Keys are snake_case like Triton's config; unknown keys are rejected so typos do not pass silently. The
 * schema (model-config-schema.ts) bounds every value; this file turns an accepted config into ModelConfig.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { PublicLoadError } from './load-failure.js';
import { MODEL_TASKS, modelConfigSchema, type RawModelConfig } from './model-config-schema.js';

export { MODEL_TASKS, MODEL_CONFIG_LIMITS } from './model-config-schema.js';
export type ModelTask = (typeof MODEL_TASKS)[number];

export type VersionPolicy = { kind: 'latest'; numVersions: number } | { kind: 'specific'; versions: number[] } | { kind: 'all' };

export interface DynamicBatchingConfig {
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMicroseconds: number;
  maxQueueSize: number;
}

/** text-generation: the budget of one loaded version (per session); see generation-scheduler.ts. */
export interface GenerationConfig {
  maxSequences: number;
  maxWaiting: number;
  /** Prompt + new tokens per sequence; undefined takes the model's max_position_embeddings. */
  maxContextLength?: number;
  /** max_tokens when a request does not say. */
  defaultMaxTokens: number;
  kvCacheMegabytes: number;
  prefillChunkTokens: number;
}

export const DEFAULT_GENERATION_CONFIG: GenerationConfig = {
  maxSequences: 16,
  maxWaiting: 256,
  defaultMaxTokens: 512,
  kvCacheMegabytes: 1024,
  prefillChunkTokens: 256,
};

export interface ModelConfig {
  task: ModelTask;
  /** Whether config.json names the task (otherwise a *ForCausalLM version folder makes it text-generation). */
  taskIsExplicit?: boolean;
  generation: GenerationConfig;
  description?: string;
  labels?: string[];
  /** tokenizer.json path relative to the model directory (text tasks). */
  tokenizer?: string;
  maxSequenceLength: number;
  versionPolicy: VersionPolicy;
  /** ORT intra-op threads per session; undefined lets the server budget them. */
  threads?: number;
  /** Sessions per loaded version, spread over the worker pool. */
  instances?: number;
  dynamicBatching?: DynamicBatchingConfig;
  /** Named versions, e.g. {"stable": 1, "canary": 2}. */
  aliases: Record<string, number>;
  /** text-embedding: L2-normalise the pooled vectors. */
  normalize: boolean;
  /**
   * text-embedding: shorter widths the model was trained to be cut to (Matryoshka representation learning);
   * OpenAI's `dimensions` may ask for one of them.
   */
  matryoshkaDimensions?: number[];
  source?: string;
  license?: string;
}

export const DEFAULT_MODEL_CONFIG: ModelConfig = {
  task: 'raw',
  maxSequenceLength: 512,
  versionPolicy: { kind: 'latest', numVersions: 1 },
  aliases: {},
  normalize: true,
  generation: DEFAULT_GENERATION_CONFIG,
};

/** A config that breaks the schema; the message names the key and the rule, never the file's content. */
export class ModelConfigError extends PublicLoadError {}

const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false });
const validateRaw = ajv.compile<RawModelConfig>(modelConfigSchema);

/** `/dynamic_batching/max_batch_size` -> `dynamic_batching.max_batch_size`; array items as `[i]`. */
function keyOf(error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') parts.push(String(error.params.additionalProperty));
  if (error.keyword === 'required') parts.push(String(error.params.missingProperty));
  if (error.propertyName !== undefined) parts.push(error.propertyName); // a bad key, e.g. an alias name
  return parts.reduce((key, part) => (/^[0-9]+$/.test(part) ? `${key}[${part}]` : key ? `${key}.${part}` : part), '');
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'unknown key';
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'pattern':
    case 'not':
      if (error.propertyName !== undefined) return 'an alias starts with a letter and has only letters, digits, _ and - (at most 64)';
      return keyOf(error) === 'tokenizer'
        ? 'is not allowed here (a tokenizer path must stay inside the model directory)'
        : 'has characters that are not allowed';
    case 'minProperties':
    case 'maxProperties':
      return keyOf(error) === 'version_policy' ? 'must have exactly one of "latest", "specific" or "all"' : (error.message ?? 'is invalid');
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * Validates a parsed config.json (or an API override) against the schema and fills in defaults. `source`
 * names where it came from in error messages ("config.json", "parameters.config").
 */
export function parseModelConfig(raw: unknown, source = 'config.json'): ModelConfig {
  if (raw === undefined) return { ...DEFAULT_MODEL_CONFIG };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelConfigError(`${source} must hold a JSON object`);
  if (!validateRaw(raw)) {
    const error = validateRaw.errors![0]!;
    const key = keyOf(error);
    throw new ModelConfigError(key ? `${source} "${key}": ${messageOf(error)}` : `${source}: ${messageOf(error)}`);
  }
  const generation = raw.generation ?? {};
  const config: ModelConfig = {
    task: raw.task ?? 'raw',
    taskIsExplicit: raw.task !== undefined,
    generation: {
      maxSequences: generation.max_sequences ?? DEFAULT_GENERATION_CONFIG.maxSequences,
      maxWaiting: generation.max_waiting ?? DEFAULT_GENERATION_CONFIG.maxWaiting,
      maxContextLength: generation.max_context_length,
      defaultMaxTokens: generation.default_max_tokens ?? DEFAULT_GENERATION_CONFIG.defaultMaxTokens,
      kvCacheMegabytes: generation.kv_cache_mb ?? DEFAULT_GENERATION_CONFIG.kvCacheMegabytes,
      prefillChunkTokens: generation.prefill_chunk_tokens ?? DEFAULT_GENERATION_CONFIG.prefillChunkTokens,
    },
    description: raw.description,
    labels: raw.labels,
    tokenizer: raw.tokenizer,
    maxSequenceLength: raw.max_sequence_length ?? DEFAULT_MODEL_CONFIG.maxSequenceLength,
    versionPolicy: versionPolicyOf(raw.version_policy),
    threads: raw.threads,
    instances: raw.instances,
    dynamicBatching: raw.dynamic_batching && {
      enabled: raw.dynamic_batching.enabled ?? true,
      maxBatchSize: raw.dynamic_batching.max_batch_size ?? 32,
      maxQueueDelayMicroseconds: raw.dynamic_batching.max_queue_delay_microseconds ?? 0,
      maxQueueSize: raw.dynamic_batching.max_queue_size ?? 1024,
    },
    aliases: raw.aliases ?? {},
    normalize: raw.normalize ?? true,
    matryoshkaDimensions: raw.matryoshka_dimensions,
    source: raw.source,
    license: raw.license,
  };
  // A text-generation version folder carries its own tokenizer.json (the Hugging Face layout).
  if (config.task !== 'raw' && config.task !== 'text-generation' && config.task !== 'pipeline' && !config.tokenizer)
    throw new ModelConfigError(`${source} "tokenizer": task "${config.task}" needs a tokenizer.json`);
  return config;
}

function versionPolicyOf(policy: RawModelConfig['version_policy']): VersionPolicy {
  if (policy?.latest) return { kind: 'latest', numVersions: policy.latest.num_versions ?? 1 };
  if (policy?.specific) return { kind: 'specific', versions: policy.specific.versions };
  if (policy?.all) return { kind: 'all' };
  return DEFAULT_MODEL_CONFIG.versionPolicy;
}

/** Which of the available versions the policy says to serve, newest first. */
export function selectVersions(policy: VersionPolicy, available: number[]): number[] {
  const newestFirst = [...available].sort((a, b) => b - a);
  switch (policy.kind) {
    case 'latest':
      return newestFirst.slice(0, policy.numVersions);
    case 'specific':
      return newestFirst.filter((v) => policy.versions.includes(v));
    case 'all':
      return newestFirst;
  }
}
