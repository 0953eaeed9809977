/** What the routes share: the configuration and the services built from it, decorated onto fastify as `sluice`. */
import type { ApiKeyService } from './auth/api-key-service.js';
import type { ServerConfig } from './config.js';
import type { SluiceDatabase } from './db/client.js';
import type { SluiceExtensions } from './extensions.js';
import type { InferenceService } from './models/inference-service.js';
import type { ModelRegistry } from './models/model-registry.js';
import type { WorkerPool } from './models/runtime/worker-pool.js';
import type { ModelStatistics } from './observability/model-statistics.js';
import type { ServerMetrics } from './observability/server-metrics.js';
import type { TrafficSeries } from './observability/traffic-series.js';

export interface SluiceContext {
  config: ServerConfig;
  registry: ModelRegistry;
  inference: InferenceService;
  metrics: ServerMetrics;
  /** Per-version counters since start (Triton's statistics extension). */
  statistics: ModelStatistics;
  /** The last 30 minutes of traffic in 5-second intervals (the console's charts). */
  series: TrafficSeries;
  pool: WorkerPool;
  /** Settles when the models present at start have been loaded (or failed to). */
  initialLoad: Promise<void>;
  state: { loaded: boolean; shuttingDown: boolean };
  /** The SQLite database in the data directory, core's migrations applied (plugins run their own folders on it). */
  database: SluiceDatabase;
  apiKeys: ApiKeyService;
  /** The public extension points (auth strategies, entitlements, events, rate-limit policy). */
  extensions: SluiceExtensions;
}

declare module 'fastify' {
  interface FastifyInstance {
    sluice: SluiceContext;
  }
}
