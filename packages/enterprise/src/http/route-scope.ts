/**
 * An encapsulated context for enterprise routes: EnterpriseErrors thrown by handlers are answered with their
 * own code (core's error handler only knows core's catalogue); anything else goes on to core's handler.
 */
import type { FastifyInstance, FastifySchema, RouteShorthandOptions } from 'fastify';
import { EnterpriseError, sendEnterpriseError } from '../errors.js';

/** Management routes are rarely called: the same modest default core gives its admin routes. */
export const ADMIN_ROUTE: RouteShorthandOptions = { config: { auth: { scopes: ['admin'] }, rateLimitDefault: { max: 120, windowMs: 60_000 } } };

export function answerEnterpriseErrors(app: FastifyInstance): void {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof EnterpriseError) return sendEnterpriseError(reply, error);
    throw error;
  });
}

/** OpenAPI documentation for a route (core's swagger reads tags and summary; fastify's own type does not list them). */
export function doc(summary: string): FastifySchema {
  return { tags: ['enterprise'], summary } as FastifySchema;
}
