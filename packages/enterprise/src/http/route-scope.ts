/** Shared route options for enterprise management routes. */
import type { FastifySchema, RouteShorthandOptions } from 'fastify';

/** Management routes are rarely called: the same modest default core gives its admin routes. */
export const ADMIN_ROUTE: RouteShorthandOptions = {
  config: { auth: { scopes: ['admin'] }, rateLimitDefault: { max: 120, windowMs: 60_000 } },
};

/** OpenAPI documentation for a route (core's swagger reads tags and summary; fastify's own type does not list them). */
export function doc(summary: string): FastifySchema {
  return { tags: ['enterprise'], summary } as FastifySchema;
}
