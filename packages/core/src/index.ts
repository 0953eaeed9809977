/** @sluice/core's public API: build or run the server, and the types plugins and tools need. */
export { buildApp, type BuildAppOptions } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { resolveConfig, defaultConfig, OPTION_SPECS, type ServerConfig } from './config.js';
export { ERROR_CATALOGUE, CatalogueError, SluiceError, ConfigError, type ErrorCode, type CatalogueErrorOptions } from './errors.js';
export type { SluiceContext } from './context.js';
export type { Tensor, TensorSpec, ModelSignature } from './models/tensors/tensor.js';
export type { V2Datatype } from './models/tensors/datatypes.js';
// The extension contract (see README "Extension contract") and the storage plugins build on.
export {
  createExtensions,
  COMMUNITY_ENTITLEMENTS,
  SCOPES,
  type Scope,
  type SluiceExtensions,
  type Principal,
  type Credentials,
  type AuthStrategy,
  type AuthOutcome,
  type RouteAccess,
  type EntitlementProvider,
  type EventBus,
  type EventListener,
  type ListenerOptions,
  type SluiceEvents,
  type AuditEvent,
  type AuditActor,
  type InferenceCompletedEvent,
  type RateLimit,
  type RateLimitContext,
  type RateLimitDecision,
  type RateLimitPolicy,
  type RateLimitStore,
  type ConsolePage,
  type ConsoleSignIn,
  type ConsoleSession,
  type ConsolePageContext,
} from './extensions.js';
export { emitAudit, audited, actorOf, type AuditFields } from './auth/audit.js';
export { openDatabase, DATABASE_FILE, type SluiceDatabase } from './db/client.js';
export { runMigrations, CORE_MIGRATIONS_FOLDER, CORE_MIGRATIONS_TABLE, type MigrationSet, type MigrationResult } from './db/migrate.js';
export { openCoreDatabase } from './db/open.js';
export type { ApiKeyService, ApiKeyInfo, NewApiKey } from './auth/api-key-service.js';
// Metrics: plugins add their own series to `app.sluice.metrics.registry`.
export { Counter, Gauge, Histogram, MetricsRegistry } from './observability/prometheus.js';
export type { PluginCommand, PluginCommandModule } from './cli/plugin-commands.js';
