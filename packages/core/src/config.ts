/**
 * Server configuration from three sources: command-line flags win over SLUICE_* environment variables, which
 * win over the JSON config file (--config / SLUICE_CONFIG). Validated once at start; a bad value fails fast
 * with the key's name.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.js';

/** The built web console (packages/core/console-dist, from `npm run build`), from src/ or dist/ alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../console-dist', import.meta.url));

export interface ServerConfig {
  host: string;
  port: number;
  /** The model repository directory. */
  models: string;
  /** The data directory (database, keys); created when missing. */
  data: string;
  modelControl: 'explicit' | 'poll';
  pollIntervalMs: number;
  /** Poll mode: a version without a READY marker is loaded once its file has not changed for this long. */
  pollSettleMs: number;
  /** ORT worker processes. */
  workers: number;
  /** Default ORT intra-op threads per session. */
  threadsPerSession: number;
  /** Default sessions per model version. */
  instancesPerModel: number;
  maxBodyBytes: number;
  /** Items (rows along dim 0) one inference request may carry. */
  maxRequestItems: number;
  /** UTF-8 bytes of one string (text tasks and BYTES inputs). */
  maxTextBytes: number;
  /** UTF-8 bytes of all strings of one request together. */
  maxRequestTextBytes: number;
  /** Per-request time limit for inference, after which the client gets 503. */
  requestTimeoutMs: number;
  /** How long a graceful shutdown waits for in-flight requests. */
  shutdownTimeoutMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Reverse proxies whose X-Forwarded-* headers are believed (client ip, https); none by default. */
  trustProxy: string[];
  /** Fastify plugin modules to load at start (e.g. @sluice/enterprise). */
  plugins: string[];
  /** 'on': GET /metrics needs a key with the metrics:read scope; 'off' (default): it is public like the probes. */
  metricsAuth: 'on' | 'off';
  /** Browser origins allowed by CORS; empty (default) means no CORS headers at all. */
  corsOrigins: string[];
  /** Default requests per window for a key without its own limit; 0 (default) means no default limit. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** 'on' (default, like Triton): readiness is 503 while a model in the repository failed to load. */
  strictReadiness: 'on' | 'off';
  /** Requests with refused credentials allowed per client address (IPv6: per /64) per window; then 429. */
  authFailureMax: number;
  /** The window of authFailureMax, and of summarising repeated refusals into one audit event. */
  authFailureWindowMs: number;
  /** Most client addresses (and kinds of refusal) tracked at once; bounds the memory of both. */
  authFailureAddresses: number;
  // Connection limits (slow or hoarding clients): each wait is bounded, each client address gets a share.
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body; after it the connection is closed with 408. */
  receiveTimeoutMs: number;
  /** How long an idle kept-alive connection stays open. */
  keepAliveTimeoutMs: number;
  /** Open connections one client address may hold; past it a new connection gets 503 and is closed. 0: no cap. */
  maxConnectionsPerClient: number;
  /** 'on' (default): the web console at /console/ and console sessions (/auth/session); 'off': neither. */
  console: 'on' | 'off';
  /** The console's built files (default: packages/core/console-dist). */
  consoleDir: string;
  /** A console session's absolute lifetime. */
  consoleSessionTtlMs: number;
  /** A console session ends after this long without a request. */
  consoleSessionIdleMs: number;
}

type Kind = 'string' | 'integer' | 'list';

interface OptionSpec {
  key: keyof ServerConfig;
  flag: string;
  env: string;
  kind: Kind;
  description: string;
  allowed?: readonly string[];
  min?: number;
  max?: number;
}

/** Every option, its flag and its environment variable: the public interface (documented in the README). */
export const OPTION_SPECS: OptionSpec[] = [
  { key: 'host', flag: 'host', env: 'SLUICE_HOST', kind: 'string', description: 'address to bind (default 127.0.0.1: loopback only)' },
  {
    key: 'port',
    flag: 'port',
    env: 'SLUICE_PORT',
    kind: 'integer',
    min: 0,
    max: 65535,
    description: 'TCP port (default 8080; 0 picks a free port)',
  },
  { key: 'models', flag: 'models', env: 'SLUICE_MODELS', kind: 'string', description: 'model repository directory (default ./models)' },
  {
    key: 'data',
    flag: 'data',
    env: 'SLUICE_DATA',
    kind: 'string',
    description: 'data directory for the database (default ./.sluice-data)',
  },
  {
    key: 'modelControl',
    flag: 'model-control',
    env: 'SLUICE_MODEL_CONTROL',
    kind: 'string',
    allowed: ['explicit', 'poll'],
    description: 'explicit (load at start, then API) or poll (also watch the repository)',
  },
  {
    key: 'pollIntervalMs',
    flag: 'poll-interval-ms',
    env: 'SLUICE_POLL_INTERVAL_MS',
    kind: 'integer',
    min: 100,
    description: 'repository poll interval in poll mode (default 5000)',
  },
  {
    key: 'pollSettleMs',
    flag: 'poll-settle-ms',
    env: 'SLUICE_POLL_SETTLE_MS',
    kind: 'integer',
    min: 0,
    description: 'poll mode: file age before a version without a READY marker loads (default 2000)',
  },
  {
    key: 'workers',
    flag: 'workers',
    env: 'SLUICE_WORKERS',
    kind: 'integer',
    min: 1,
    max: 64,
    description: 'ONNX Runtime worker processes (default: min(2, cores))',
  },
  {
    key: 'threadsPerSession',
    flag: 'threads-per-session',
    env: 'SLUICE_THREADS_PER_SESSION',
    kind: 'integer',
    min: 1,
    max: 256,
    description: 'default intra-op threads per session (default: cores / workers)',
  },
  {
    key: 'instancesPerModel',
    flag: 'instances-per-model',
    env: 'SLUICE_INSTANCES_PER_MODEL',
    kind: 'integer',
    min: 1,
    max: 64,
    description: 'default sessions per model version (default: workers)',
  },
  {
    key: 'maxBodyBytes',
    flag: 'max-body-bytes',
    env: 'SLUICE_MAX_BODY_BYTES',
    kind: 'integer',
    min: 1024,
    description: 'largest request body accepted (default 67108864 = 64 MiB)',
  },
  {
    key: 'maxRequestItems',
    flag: 'max-request-items',
    env: 'SLUICE_MAX_REQUEST_ITEMS',
    kind: 'integer',
    min: 1,
    max: 1_000_000,
    description: 'most texts (rows of a BYTES input) in one inference request (default 2048)',
  },
  {
    key: 'maxTextBytes',
    flag: 'max-text-bytes',
    env: 'SLUICE_MAX_TEXT_BYTES',
    kind: 'integer',
    min: 1,
    max: 1_073_741_824,
    description: 'largest single text / BYTES element in UTF-8 bytes (default 65536)',
  },
  {
    key: 'maxRequestTextBytes',
    flag: 'max-request-text-bytes',
    env: 'SLUICE_MAX_REQUEST_TEXT_BYTES',
    kind: 'integer',
    min: 1,
    max: 1_073_741_824,
    description: 'all texts / BYTES elements of one request together, in UTF-8 bytes (default 4194304 = 4 MiB)',
  },
  {
    key: 'requestTimeoutMs',
    flag: 'request-timeout-ms',
    env: 'SLUICE_REQUEST_TIMEOUT_MS',
    kind: 'integer',
    min: 1,
    description: 'inference time limit per request (default 60000)',
  },
  {
    key: 'shutdownTimeoutMs',
    flag: 'shutdown-timeout-ms',
    env: 'SLUICE_SHUTDOWN_TIMEOUT_MS',
    kind: 'integer',
    min: 0,
    description: 'graceful shutdown wait for in-flight requests (default 30000)',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    env: 'SLUICE_LOG_LEVEL',
    kind: 'string',
    allowed: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'log level (default info)',
  },
  {
    key: 'plugins',
    flag: 'plugins',
    env: 'SLUICE_PLUGINS',
    kind: 'list',
    description: 'comma-separated fastify plugin modules to load (e.g. @sluice/enterprise)',
  },
  {
    key: 'trustProxy',
    flag: 'trust-proxy',
    env: 'SLUICE_TRUST_PROXY',
    kind: 'list',
    description: 'comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For/-Proto are trusted (default none)',
  },
  {
    key: 'metricsAuth',
    flag: 'metrics-auth',
    env: 'SLUICE_METRICS_AUTH',
    kind: 'string',
    allowed: ['on', 'off'],
    description: 'on: /metrics needs a key with the metrics:read scope (default off: public)',
  },
  {
    key: 'corsOrigins',
    flag: 'cors-origins',
    env: 'SLUICE_CORS_ORIGINS',
    kind: 'list',
    description: 'comma-separated browser origins allowed by CORS (default none: CORS off)',
  },
  {
    key: 'rateLimitMax',
    flag: 'rate-limit-max',
    env: 'SLUICE_RATE_LIMIT_MAX',
    kind: 'integer',
    min: 0,
    description: 'default requests per window for keys without their own limit (default 0: none)',
  },
  {
    key: 'strictReadiness',
    flag: 'strict-readiness',
    env: 'SLUICE_STRICT_READINESS',
    kind: 'string',
    allowed: ['on', 'off'],
    description:
      'on (default): /v2/health/ready is 503 while a model failed to load and serves nothing; off: ready once start-up loading finished',
  },
  {
    key: 'rateLimitWindowMs',
    flag: 'rate-limit-window-ms',
    env: 'SLUICE_RATE_LIMIT_WINDOW_MS',
    kind: 'integer',
    min: 1000,
    description: 'the default rate-limit window (default 60000)',
  },
  {
    key: 'authFailureMax',
    flag: 'auth-failure-max',
    env: 'SLUICE_AUTH_FAILURE_MAX',
    kind: 'integer',
    min: 1,
    max: 1_000_000,
    description: 'requests with refused credentials per client address (IPv6: per /64) per window before 429 (default 100)',
  },
  {
    key: 'authFailureWindowMs',
    flag: 'auth-failure-window-ms',
    env: 'SLUICE_AUTH_FAILURE_WINDOW_MS',
    kind: 'integer',
    min: 1000,
    max: 86_400_000,
    description: 'window of --auth-failure-max and of summarising repeated refusals in one audit event (default 60000)',
  },
  {
    key: 'authFailureAddresses',
    flag: 'auth-failure-addresses',
    env: 'SLUICE_AUTH_FAILURE_ADDRESSES',
    kind: 'integer',
    min: 100,
    max: 1_000_000,
    description: 'most client addresses tracked for refused credentials and refusal summaries (default 10000)',
  },
  {
    key: 'headersTimeoutMs',
    flag: 'headers-timeout-ms',
    env: 'SLUICE_HEADERS_TIMEOUT_MS',
    kind: 'integer',
    min: 100,
    max: 3_600_000,
    description: "time to receive a request's headers (default 10000)",
  },
  {
    key: 'receiveTimeoutMs',
    flag: 'receive-timeout-ms',
    env: 'SLUICE_RECEIVE_TIMEOUT_MS',
    kind: 'integer',
    min: 100,
    max: 3_600_000,
    description: 'time to receive a whole request, headers and body, before 408 and close (default 60000)',
  },
  {
    key: 'keepAliveTimeoutMs',
    flag: 'keep-alive-timeout-ms',
    env: 'SLUICE_KEEP_ALIVE_TIMEOUT_MS',
    kind: 'integer',
    min: 100,
    max: 3_600_000,
    description: 'how long an idle kept-alive connection stays open (default 5000)',
  },
  {
    key: 'console',
    flag: 'console',
    env: 'SLUICE_CONSOLE',
    kind: 'string',
    allowed: ['on', 'off'],
    description: 'on (default): the web console at /console/ and console sign-in (/auth/session); off: neither',
  },
  {
    key: 'consoleDir',
    flag: 'console-dir',
    env: 'SLUICE_CONSOLE_DIR',
    kind: 'string',
    description: 'folder of the built console (default: packages/core/console-dist, built by npm run build)',
  },
  {
    key: 'consoleSessionTtlMs',
    flag: 'console-session-ttl-ms',
    env: 'SLUICE_CONSOLE_SESSION_TTL_MS',
    kind: 'integer',
    min: 1000,
    max: 2_592_000_000,
    description: 'absolute lifetime of a console session (default 43200000 = 12 h)',
  },
  {
    key: 'consoleSessionIdleMs',
    flag: 'console-session-idle-ms',
    env: 'SLUICE_CONSOLE_SESSION_IDLE_MS',
    kind: 'integer',
    min: 1000,
    max: 2_592_000_000,
    description: 'a console session ends after this long without a request (default 3600000 = 1 h)',
  },
  {
    key: 'maxConnectionsPerClient',
    flag: 'max-connections-per-client',
    env: 'SLUICE_MAX_CONNECTIONS_PER_CLIENT',
    kind: 'integer',
    min: 0,
    max: 100_000,
    description: 'open connections per client address; more get 503 and are closed (default 128; 0: no cap)',
  },
];

export function defaultConfig(): ServerConfig {
  const cores = availableParallelism();
  const workers = Math.min(2, cores);
  return {
    host: '127.0.0.1',
    port: 8080,
    models: 'models',
    data: '.sluice-data',
    modelControl: 'explicit',
    pollIntervalMs: 5000,
    pollSettleMs: 2000,
    workers,
    threadsPerSession: Math.max(1, Math.floor(cores / workers)),
    instancesPerModel: workers,
    maxBodyBytes: 64 * 1024 * 1024,
    maxRequestItems: 2048,
    maxTextBytes: 64 * 1024,
    maxRequestTextBytes: 4 * 1024 * 1024,
    requestTimeoutMs: 60_000,
    shutdownTimeoutMs: 30_000,
    logLevel: 'info',
    trustProxy: [],
    plugins: [],
    metricsAuth: 'off',
    corsOrigins: [],
    rateLimitMax: 0,
    rateLimitWindowMs: 60_000,
    strictReadiness: 'on',
    authFailureMax: 100,
    authFailureWindowMs: 60_000,
    authFailureAddresses: 10_000,
    headersTimeoutMs: 10_000,
    receiveTimeoutMs: 60_000,
    keepAliveTimeoutMs: 5_000,
    maxConnectionsPerClient: 128,
    console: 'on',
    consoleDir: DEFAULT_CONSOLE_DIR,
    consoleSessionTtlMs: 12 * 3_600_000,
    consoleSessionIdleMs: 3_600_000,
  };
}

function coerce(spec: OptionSpec, raw: unknown, source: string): unknown {
  const name = `${spec.key} (${source})`;
  if (spec.kind === 'list') {
    if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw;
    if (typeof raw === 'string')
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    throw new ConfigError(name, 'must be a comma-separated list or an array of strings');
  }
  if (spec.kind === 'integer') {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?[0-9]+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(value)) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(raw)}`);
    if (spec.min !== undefined && value < spec.min) throw new ConfigError(name, `must be at least ${spec.min}, got ${value}`);
    if (spec.max !== undefined && value > spec.max) throw new ConfigError(name, `must be at most ${spec.max}, got ${value}`);
    return value;
  }
  if (typeof raw !== 'string' || raw === '') throw new ConfigError(name, 'must be a non-empty string');
  if (spec.allowed && !spec.allowed.includes(raw)) throw new ConfigError(name, `must be one of ${spec.allowed.join(', ')}, got "${raw}"`);
  return raw;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('config', `cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('config', `${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError('config', `${file} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

export interface ConfigSources {
  /** Parsed flags, keyed by flag name (e.g. "model-control"). */
  flags?: Record<string, string | undefined>;
  env?: NodeJS.ProcessEnv;
  /** Base directory for relative paths in the config file. */
  cwd?: string;
}

/** Merges defaults < config file < environment < flags, validating each value that is set. */
export function resolveConfig(sources: ConfigSources = {}): ServerConfig {
  const flags = sources.flags ?? {};
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const config = defaultConfig() as unknown as Record<string, unknown>;
  const explicitlySet = new Set<string>();

  const configFile = flags.config ?? env.SLUICE_CONFIG;
  if (configFile) {
    const fileValues = readConfigFile(path.resolve(cwd, configFile));
    for (const [key, raw] of Object.entries(fileValues)) {
      const spec = OPTION_SPECS.find((s) => s.key === key);
      if (!spec) throw new ConfigError(key, `unknown key in ${configFile} (known: ${OPTION_SPECS.map((s) => s.key).join(', ')})`);
      config[key] = coerce(spec, raw, configFile);
      explicitlySet.add(key);
    }
  }
  for (const spec of OPTION_SPECS) {
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== '') {
      config[spec.key] = coerce(spec, fromEnv, spec.env);
      explicitlySet.add(spec.key);
    }
    const fromFlag = flags[spec.flag];
    if (fromFlag !== undefined) {
      config[spec.key] = coerce(spec, fromFlag, `--${spec.flag}`);
      explicitlySet.add(spec.key);
    }
  }
  const resolved = config as unknown as ServerConfig;
  // Thread budget follows the worker count unless set: workers x threads should match the cores.
  if (explicitlySet.has('workers') && !explicitlySet.has('threadsPerSession')) {
    resolved.threadsPerSession = Math.max(1, Math.floor(availableParallelism() / resolved.workers));
  }
  if (explicitlySet.has('workers') && !explicitlySet.has('instancesPerModel')) resolved.instancesPerModel = resolved.workers;
  // Node refuses a headers timeout longer than the whole-request timeout.
  if (resolved.headersTimeoutMs > resolved.receiveTimeoutMs) {
    throw new ConfigError(
      'headersTimeoutMs',
      `must not exceed receiveTimeoutMs (${resolved.receiveTimeoutMs}), got ${resolved.headersTimeoutMs}`,
    );
  }
  resolved.models = path.resolve(cwd, resolved.models);
  resolved.data = path.resolve(cwd, resolved.data);
  resolved.consoleDir = path.resolve(cwd, resolved.consoleDir);
  return resolved;
}
