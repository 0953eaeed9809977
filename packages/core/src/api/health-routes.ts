/** Liveness and readiness (Open Inference Protocol): unauthenticated, cheap, never touching a worker. */
import type { FastifyInstance } from 'fastify';

const healthSchema = { type: 'object', properties: { live: { type: 'boolean' }, ready: { type: 'boolean' } } } as const;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v2/health/live', {
    schema: { tags: ['health'], summary: 'Liveness: the process answers HTTP', response: { 200: healthSchema } },
  }, async () => ({ live: true }));

  app.get('/v2/health/ready', {
    schema: { tags: ['health'], summary: 'Readiness: start-up model loading finished, every model worker is up, and the server is not shutting down', response: { 200: healthSchema, 503: healthSchema } },
  }, async (_request, reply) => {
    const { loaded, shuttingDown } = app.sluice.state;
    const ready = loaded && !shuttingDown && app.sluice.pool.health().healthy;
    return reply.code(ready ? 200 : 503).send({ ready });
  });
}
