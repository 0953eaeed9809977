/** Prometheus metrics, text exposition format. */
import type { FastifyInstance } from 'fastify';

export async function metricsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/metrics',
    {
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text format 0.0.4)', produces: ['text/plain'] },
    },
    async (_request, reply) => {
      app.sluice.metrics.process.set({}, process.memoryUsage().rss);
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(app.sluice.metrics.registry.render());
    },
  );
}
