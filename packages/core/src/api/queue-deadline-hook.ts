/**
 * Gives every request a queue deadline equal to --request-timeout-ms from when its handler starts, so a
 * request whose client already got SLUICE_ERR_REQUEST_TIMEOUT is dropped from a batching queue, not run.
 * Not encapsulated: it must cover the V2 and OpenAI inference routes alike.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runWithQueueDeadline } from '../models/batching/queue-deadline.js';

async function queueDeadline(app: FastifyInstance): Promise<void> {
  const timeoutMs = app.sluice.config.requestTimeoutMs;
  // preHandler runs after the body is read, right before the handler that starts the timeout race.
  app.addHook('preHandler', (_request, _reply, done) => runWithQueueDeadline(timeoutMs, () => done()));
}

export const queueDeadlineHook = fp(queueDeadline, { name: 'sluice-queue-deadline' });
