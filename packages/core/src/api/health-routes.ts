/** Liveness and readiness (Open Inference Protocol): unauthenticated, cheap, never touching a worker. */
import type { FastifyInstance } from 'fastify';

const healthSchema = { type: 'object', properties: { live: { type: 'boolean' }, ready: { type: 'boolean' } } } as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v2/health/live',
    {
      schema: { tags: ['health'], summary: 'Liveness: the process answers HTTP', response: { 200: healthSchema } },
    },
    async () => ({ live: true }),
  );

  app.get(
    '/v2/health/ready',
    {
      schema: {
        tags: ['health'],
        summary:
          'Readiness: start-up model loading finished, every model worker is up, the server is not shutting down and (strict readiness, the default) no model failed to load',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) => {
      const { loaded, shuttingDown } = app.sluice.state;
      // Strict readiness (Triton's default): a model that failed to load and serves nothing keeps the server out
      // of rotation; the start-up log names it. Model names stay out of this unauthenticated body.
      const modelsOk = app.sluice.config.strictReadiness === 'off' || app.sluice.registry.failedModels().length === 0;
      const ready = loaded && !shuttingDown && modelsOk && app.sluice.pool.health().healthy;
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );
}
