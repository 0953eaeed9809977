/**
 * buildApp(options) -> a configured fastify instance with models loading in the background. It never listens:
 * the CLI (server.ts) does that, and tests drive it on an ephemeral loopback port.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultConfig, type ServerConfig } from './config.js';
import { SluiceError } from './errors.js';
import type { SluiceContext } from './context.js';
import { registerErrorHandlers, sendError, toSluiceError } from './api/error-handler.js';
import { requireHostHeader } from './http/require-host-header.js';
import { clientErrorHandler } from './http/client-error-handler.js';
import { closeConnectionsWithUnreadBodies } from './http/close-unread-bodies.js';
import { limitConnectionsPerClient } from './http/connection-limit.js';
import { healthRoutes } from './api/health-routes.js';
import { metricsRoutes } from './api/metrics-routes.js';
import { registerOpenApi } from './api/openapi.js';
import { bodyStrictValidatorFactory } from './api/validator-compiler.js';
import { loadPlugins } from './plugins.js';
import { modelRoutes } from './api/v2/model-routes.js';
import { repositoryRoutes } from './api/v2/repository-routes.js';
import { routingRoutes } from './api/v2/routing-routes.js';
import { serverMetadataRoutes } from './api/v2/server-routes.js';
import { openAiRoutes } from './api/openai/openai-routes.js';
import { requestDeadlineHook } from './api/request-deadline-hook.js';
import { createInferenceService, type InferenceOutcome } from './models/inference-service.js';
import { createGenerationService } from './models/generation/generation-service.js';
import { generateRoutes } from './api/v2/generate-routes.js';
import { ModelRegistry } from './models/model-registry.js';
import { ROUTE_PARAM_MAX_LENGTH } from './models/model-name.js';
import { WorkerPool } from './models/runtime/worker-pool.js';
import { createServerMetrics } from './observability/server-metrics.js';
import { ModelStatistics } from './observability/model-statistics.js';
import { TrafficSeries } from './observability/traffic-series.js';
import { statisticsRoutes } from './api/v2/statistics-routes.js';
import { statsRoutes } from './api/stats-routes.js';
import { consoleServer } from './console/console-plugin.js';
import { createConsoleSessionStore } from './console/session-store.js';
import { createConsoleSessionStrategy } from './console/session-strategy.js';
import { loggerOptions } from './observability/logger.js';
import { startRepositoryPolling } from './models/repository-poller.js';
import { adminKeyRoutes } from './api/admin/key-routes.js';
import { createApiKeyService } from './auth/api-key-service.js';
import { createApiKeyStrategy } from './auth/api-key-strategy.js';
import { authentication } from './auth/auth-plugin.js';
import { coreRouteRules } from './auth/route-rules.js';
import { openCoreDatabase } from './db/open.js';
import { inferenceCompletedEvent } from './events/inference-events.js';
import { createExtensions } from './extensions.js';
import { rateLimiting } from './rate-limit/rate-limit-plugin.js';
import { security } from './security/security-plugin.js';

export interface BuildAppOptions extends Partial<ServerConfig> {
  /** A pino destination for the logs (tests capture them); stdout when absent. */
  logStream?: NodeJS.WritableStream;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function buildApp(options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { logStream, ...overrides } = options;
  const config: ServerConfig = { ...defaultConfig(), ...overrides };
  const app = Fastify({
    logger: loggerOptions(config.logLevel, logStream),
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy.join(',') : false,
    // A caller's x-request-id is kept when it is sane, so logs correlate across services.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: false, // our own hook below answers with the catalogue's error shape
    ajv: { customOptions: { allowUnionTypes: true } },
    schemaController: { compilersFactory: { buildValidator: bodyStrictValidatorFactory } },
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: ROUTE_PARAM_MAX_LENGTH },
    // Every wait on a client is bounded: a request that trickles in is cut off (408) rather than held forever.
    requestTimeout: config.receiveTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks those deadlines on this interval (30 s by default): keep the overshoot small.
    http: {
      requireHostHeader: false,
      headersTimeout: Math.min(config.headersTimeoutMs, config.receiveTimeoutMs),
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    // Requests the HTTP layer refuses before any route (malformed, headers too large, bad URL) keep the catalogue's shape.
    clientErrorHandler,
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, toSluiceError(error));
    },
  });
  limitConnectionsPerClient(app, config.maxConnectionsPerClient);
  requireHostHeader(app);

  // Storage first: migrations are applied before anything can serve a request.
  const database = openCoreDatabase(config.data);
  app.addHook('onClose', async () => database.close());
  if (database.migrations.applied.length > 0)
    app.log.info({ applied: database.migrations.applied, file: database.file }, 'database migrated');
  const metrics = createServerMetrics();
  const statistics = new ModelStatistics();
  const series = new TrafficSeries();
  const pool = new WorkerPool(config.workers, app.log);
  const registry = new ModelRegistry({
    repository: config.models,
    pool,
    logger: app.log,
    defaultInstances: config.instancesPerModel,
    defaultThreads: config.threadsPerSession,
    settleMs: config.pollSettleMs,
    metrics,
    onExecution: (execution) => {
      statistics.recordExecution(execution);
      series.recordExecution(execution);
    },
    // Pipeline steps run their member models through the same inference layer as every protocol.
    invokeMember: (request) => inference.infer(request),
  });
  const extensions = createExtensions({ logger: app.log });
  const apiKeys = createApiKeyService({ database });
  extensions.auth.register(createApiKeyStrategy(apiKeys));
  // Console sessions come right after API keys: plugins' strategies (SSO...) are asked later.
  const consoleSessions =
    config.console === 'on'
      ? createConsoleSessionStore({ database, ttlMs: config.consoleSessionTtlMs, idleMs: config.consoleSessionIdleMs })
      : undefined;
  if (consoleSessions) extensions.auth.register(createConsoleSessionStrategy({ sessions: consoleSessions, apiKeys }));
  const onOutcome = (outcome: InferenceOutcome) => {
    statistics.recordOutcome(outcome);
    // A pipeline's member request is part of the client's request: counted once, as the pipeline's.
    if (outcome.partOf) return;
    series.recordOutcome(outcome);
    extensions.events.emit('inference.completed', inferenceCompletedEvent(outcome));
  };
  const inference = createInferenceService({ registry, metrics, limits: config, onOutcome });
  const generation = createGenerationService({ registry, metrics, onOutcome });
  const state = { loaded: false, shuttingDown: false };
  let resolveInitialLoad!: () => void;
  const initialLoad = new Promise<void>((resolve) => (resolveInitialLoad = resolve));
  const context: SluiceContext = {
    config,
    registry,
    inference,
    generation,
    metrics,
    statistics,
    series,
    pool,
    initialLoad,
    state,
    database,
    apiKeys,
    extensions,
  };
  app.decorate('sluice', context);

  registerErrorHandlers(app);
  // New requests on kept-alive connections while draining: refuse them clearly; accepted ones still finish.
  app.addHook('onRequest', async () => {
    if (state.shuttingDown)
      throw new SluiceError('SLUICE_ERR_SHUTTING_DOWN', 'the server is shutting down', { headers: { 'retry-after': '5' } });
  });
  closeConnectionsWithUnreadBodies(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While draining, close each connection after its response so shutdown need not wait for keep-alive.
    if (state.shuttingDown) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) });
  });

  // Before any route: these plugins hook every route registered after them (plugins' routes included).
  await app.register(security);
  await app.register(authentication, { rules: coreRouteRules({ metricsAuth: config.metricsAuth }) });
  await app.register(rateLimiting);
  await registerOpenApi(app);
  await app.register(requestDeadlineHook);
  await app.register(healthRoutes);
  await app.register(serverMetadataRoutes);
  await app.register(statisticsRoutes);
  await app.register(modelRoutes);
  await app.register(generateRoutes);
  await app.register(repositoryRoutes);
  await app.register(routingRoutes);
  await app.register(metricsRoutes);
  await app.register(openAiRoutes);
  await app.register(adminKeyRoutes);
  await app.register(statsRoutes);
  if (consoleSessions) await app.register(consoleServer, { sessions: consoleSessions, dir: config.consoleDir });
  // Plugins last: they build on everything above (app.sluice, the auth table, the routes).
  await loadPlugins(app, config.plugins);

  let stopPolling: (() => void) | undefined;
  app.addHook('onReady', async () => {
    // Load in the background: liveness answers at once, readiness once the start-up models are in.
    registry
      .syncAll('explicit')
      .then(
        () => {
          const failed = registry.failedModels();
          app.log.info({ models: registry.readyModels().map((m) => m.name), failed }, 'start-up model loading finished');
          if (failed.length > 0)
            app.log.error({ failed, strictReadiness: config.strictReadiness }, `models failed to load: ${failed.join(', ')}`);
        },
        (error) => app.log.error({ err: error, repository: config.models }, 'cannot read the model repository'),
      )
      .finally(() => {
        state.loaded = true;
        resolveInitialLoad();
        if (config.modelControl === 'poll' && !state.shuttingDown)
          stopPolling = startRepositoryPolling(registry, config.pollIntervalMs, app.log);
      });
  });
  app.addHook('preClose', async () => {
    state.shuttingDown = true;
    stopPolling?.();
  });
  app.addHook('onClose', async () => {
    registry.retireAll();
    await pool.close();
  });
  return app;
}
