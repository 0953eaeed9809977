/**
 * A model's optional config.json: everything the ONNX file cannot tell (task, labels, version policy...).
 * Keys are snake_case like Triton's config; unknown keys are rejected so typos do not pass silently.
 */
export const MODEL_TASKS = ['raw', 'text-classification', 'text-embedding'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export type VersionPolicy =
  | { kind: 'latest'; numVersions: number }
  | { kind: 'specific'; versions: number[] }
  | { kind: 'all' };

export interface DynamicBatchingConfig {
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayMicroseconds: number;
  maxQueueSize: number;
}

export interface ModelConfig {
  task: ModelTask;
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
};

export class ModelConfigError extends Error {}

const KNOWN_KEYS = new Set([
  'task', 'description', 'labels', 'tokenizer', 'max_sequence_length', 'version_policy', 'threads', 'instances',
  'dynamic_batching', 'aliases', 'normalize', 'matryoshka_dimensions', 'source', 'license',
]);

type Json = Record<string, unknown>;

function fail(key: string, message: string): never {
  throw new ModelConfigError(`config.json "${key}": ${message}`);
}

function positiveInteger(value: unknown, key: string, { allowZero = false } = {}): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    fail(key, `must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseVersionPolicy(value: unknown): VersionPolicy {
  if (!isObject(value)) fail('version_policy', 'must be {"latest":{"num_versions":N}}, {"specific":{"versions":[...]}} or {"all":{}}');
  if (isObject(value.latest)) return { kind: 'latest', numVersions: positiveInteger(value.latest.num_versions ?? 1, 'version_policy.latest.num_versions') };
  if (isObject(value.specific)) {
    const versions = value.specific.versions;
    if (!Array.isArray(versions) || versions.length === 0) fail('version_policy.specific.versions', 'must be a non-empty array of version numbers');
    return { kind: 'specific', versions: versions.map((v, i) => positiveInteger(v, `version_policy.specific.versions[${i}]`)) };
  }
  if (isObject(value.all)) return { kind: 'all' };
  return fail('version_policy', 'must have one of "latest", "specific" or "all"');
}

function parseDynamicBatching(value: unknown): DynamicBatchingConfig {
  if (!isObject(value)) fail('dynamic_batching', 'must be an object');
  return {
    enabled: value.enabled === undefined ? true : value.enabled === true,
    maxBatchSize: positiveInteger(value.max_batch_size ?? 32, 'dynamic_batching.max_batch_size'),
    maxQueueDelayMicroseconds: positiveInteger(value.max_queue_delay_microseconds ?? 0, 'dynamic_batching.max_queue_delay_microseconds', { allowZero: true }),
    maxQueueSize: positiveInteger(value.max_queue_size ?? 1024, 'dynamic_batching.max_queue_size'),
  };
}

function parseAliases(value: unknown): Record<string, number> {
  if (!isObject(value)) fail('aliases', 'must be an object of alias -> version number');
  const aliases: Record<string, number> = {};
  for (const [alias, version] of Object.entries(value)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(alias)) fail(`aliases.${alias}`, 'an alias starts with a letter and has only letters, digits, _ and -');
    aliases[alias] = positiveInteger(version, `aliases.${alias}`);
  }
  return aliases;
}

function parseDimensions(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) fail('matryoshka_dimensions', 'must be a non-empty array of widths, e.g. [256, 128, 64]');
  return value.map((width, i) => positiveInteger(width, `matryoshka_dimensions[${i}]`));
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(key, 'must be a string');
  return value;
}

/** Validates a parsed config.json (or an API override) and fills in defaults. */
export function parseModelConfig(raw: unknown): ModelConfig {
  if (raw === undefined) return { ...DEFAULT_MODEL_CONFIG };
  if (!isObject(raw)) throw new ModelConfigError('config.json must hold a JSON object');
  for (const key of Object.keys(raw)) if (!KNOWN_KEYS.has(key)) fail(key, `unknown key (known: ${[...KNOWN_KEYS].join(', ')})`);
  const task = raw.task ?? 'raw';
  if (!MODEL_TASKS.includes(task as ModelTask)) fail('task', `must be one of ${MODEL_TASKS.join(', ')}`);
  if (raw.labels !== undefined && (!Array.isArray(raw.labels) || !raw.labels.every((l) => typeof l === 'string'))) {
    fail('labels', 'must be an array of strings');
  }
  if (raw.normalize !== undefined && typeof raw.normalize !== 'boolean') fail('normalize', 'must be true or false');
  const config: ModelConfig = {
    task: task as ModelTask,
    description: optionalString(raw.description, 'description'),
    labels: raw.labels as string[] | undefined,
    tokenizer: optionalString(raw.tokenizer, 'tokenizer'),
    maxSequenceLength: positiveInteger(raw.max_sequence_length ?? DEFAULT_MODEL_CONFIG.maxSequenceLength, 'max_sequence_length'),
    versionPolicy: raw.version_policy === undefined ? DEFAULT_MODEL_CONFIG.versionPolicy : parseVersionPolicy(raw.version_policy),
    threads: raw.threads === undefined ? undefined : positiveInteger(raw.threads, 'threads'),
    instances: raw.instances === undefined ? undefined : positiveInteger(raw.instances, 'instances'),
    dynamicBatching: raw.dynamic_batching === undefined ? undefined : parseDynamicBatching(raw.dynamic_batching),
    aliases: raw.aliases === undefined ? {} : parseAliases(raw.aliases),
    normalize: (raw.normalize as boolean | undefined) ?? true,
    matryoshkaDimensions: raw.matryoshka_dimensions === undefined ? undefined : parseDimensions(raw.matryoshka_dimensions),
    source: optionalString(raw.source, 'source'),
    license: optionalString(raw.license, 'license'),
  };
  if (config.task !== 'raw' && !config.tokenizer) fail('tokenizer', `task "${config.task}" needs a tokenizer.json`);
  if (config.tokenizer && (config.tokenizer.includes('..') || config.tokenizer.startsWith('/'))) {
    fail('tokenizer', 'must be a path inside the model directory');
  }
  return config;
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
