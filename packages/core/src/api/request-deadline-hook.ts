/**
 * Gives every request its deadline (--request-timeout-ms from when its handler starts): the one object the
 * inference routes hand to the inference service, which stops queued and running work when it passes.
 * Not encapsulated: it must cover the V2 and OpenAI inference routes alike.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Deadline } from '../models/deadline.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** When the client stops waiting for this request's inference. */
    deadline: Deadline;
  }
}

async function requestDeadline(app: FastifyInstance): Promise<void> {
  const timeoutMs = app.sluice.config.requestTimeoutMs;
  app.decorateRequest('deadline', null as unknown as Deadline);
  // preHandler runs after the body is read, right before the handler.
  app.addHook('preHandler', async (request) => {
    request.deadline = Deadline.after(timeoutMs);
  });
}

export const requestDeadlineHook = fp(requestDeadline, { name: 'sluice-request-deadline' });
