/**
 * Who may call each core route: the one table to read when reviewing access. Keys are "METHOD /pattern" as
 * fastify registers them (HEAD follows GET). A route can carry its own rule in `config.auth` instead (plugins
 * do); that wins over this table. A route with neither is answered for admins only, and
 * tests/auth-route-scopes.test.ts fails on it, so a new route cannot ship without a decision.
 */
import type { FastifyContextConfig } from 'fastify';
import type { RateLimit, RouteAccess } from '../extensions.js';

export interface RouteRule {
  access: RouteAccess;
  /** This route's default rate limit; a principal's own limit wins. */
  rateLimit?: RateLimit;
}

/** Management routes are cheap to abuse and rarely called: a modest default per caller. */
export const MANAGEMENT_RATE_LIMIT: RateLimit = { max: 120, windowMs: 60_000 };

const readModel = { access: { scopes: ['models:read', 'infer'], modelParam: 'model' } } as const satisfies RouteRule;
const readRouting = { access: { scopes: ['models:read'], modelParam: 'model' } } as const satisfies RouteRule;
const infer = { access: { scopes: ['infer'], modelParam: 'model' } } as const satisfies RouteRule;
const writeModel = {
  access: { scopes: ['models:write'], modelParam: 'model' },
  rateLimit: MANAGEMENT_RATE_LIMIT,
} as const satisfies RouteRule;
const admin = { access: { scopes: ['admin'] }, rateLimit: MANAGEMENT_RATE_LIMIT } as const satisfies RouteRule;

export function coreRouteRules(options: { metricsAuth: 'on' | 'off' }): Record<string, RouteRule> {
  return {
    // Probes and docs: no credentials.
    'GET /v2/health/live': { access: 'public' },
    'GET /v2/health/ready': { access: 'public' },
    'GET /openapi.json': { access: 'public' },
    'OPTIONS *': { access: 'public' }, // CORS preflights carry no credentials
    'GET /metrics': options.metricsAuth === 'on' ? { access: { scopes: ['metrics:read'] } } : { access: 'public' },
    // The web console: the app's files and manifest hold no data (every API call it makes is authenticated).
    'GET /': { access: 'public' },
    'GET /console': { access: 'public' },
    'GET /console/': { access: 'public' },
    'GET /console/*': { access: 'public' },
    'GET /console/assets/*': { access: 'public' },
    'GET /console/ext/:page/*': { access: 'public' },
    'GET /console/manifest.json': { access: 'public' },
    // Console sessions: signing in checks the key itself (refusals count like any refused credential); signing
    // out needs nothing but the cookie it ends.
    'POST /auth/session': { access: 'public' },
    'GET /auth/session': { access: 'authenticated' },
    'DELETE /auth/session': { access: 'public' },
    // Open Inference Protocol.
    'GET /v2': { access: 'authenticated' },
    'GET /v2/models/:model': readModel,
    'GET /v2/models/:model/ready': readModel,
    'GET /v2/models/:model/versions/:version': readModel,
    'GET /v2/models/:model/versions/:version/ready': readModel,
    'POST /v2/models/:model/infer': infer,
    'POST /v2/models/:model/versions/:version/infer': infer,
    'POST /v2/models/:model/infer/multipart': infer,
    'POST /v2/models/:model/versions/:version/infer/multipart': infer,
    // Statistics extension, and the console's traffic charts.
    'GET /v2/models/stats': { access: { scopes: ['models:read'] } },
    'GET /v2/models/:model/stats': readRouting,
    'GET /v2/models/:model/versions/:version/stats': readRouting,
    'GET /stats/series': { access: { scopes: ['models:read', 'metrics:read'] } },
    // Generate extension (text-generation models).
    'POST /v2/models/:model/generate': infer,
    'POST /v2/models/:model/versions/:version/generate': infer,
    'POST /v2/models/:model/generate_stream': infer,
    'POST /v2/models/:model/versions/:version/generate_stream': infer,
    // Model repository extension.
    'POST /v2/repository/index': { access: { scopes: ['models:read'] } },
    'POST /v2/repository/models/:model/load': writeModel,
    'POST /v2/repository/models/:model/unload': writeModel,
    'GET /v2/repository/models/:model/aliases': readRouting,
    'PUT /v2/repository/models/:model/aliases/:alias': writeModel,
    'DELETE /v2/repository/models/:model/aliases/:alias': writeModel,
    'GET /v2/repository/models/:model/traffic': readRouting,
    'PUT /v2/repository/models/:model/traffic': writeModel,
    'DELETE /v2/repository/models/:model/traffic': writeModel,
    // OpenAI-compatible API (official clients send Authorization: Bearer <key>).
    'GET /v1/models': { access: { scopes: ['models:read', 'infer'] } },
    'GET /v1/models/:model': readModel,
    'POST /v1/embeddings': { access: { scopes: ['infer'], modelBodyField: 'model' } },
    'POST /v1/chat/completions': { access: { scopes: ['infer'], modelBodyField: 'model' } },
    'POST /v1/completions': { access: { scopes: ['infer'], modelBodyField: 'model' } },
    // API key administration.
    'GET /admin/keys': admin,
    'POST /admin/keys': admin,
    'DELETE /admin/keys/:id': admin,
  };
}

/** Everything under these prefixes is the browsable API documentation: public. */
const PUBLIC_PREFIXES = ['/docs'];

export function resolveRouteRule(
  table: Record<string, RouteRule>,
  method: string,
  url: string,
  config: FastifyContextConfig | undefined,
): RouteRule | undefined {
  if (config?.auth !== undefined)
    return { access: config.auth, ...(config.rateLimitDefault ? { rateLimit: config.rateLimitDefault } : {}) };
  const verb = method === 'HEAD' ? 'GET' : method;
  const rule = table[`${verb} ${url}`] ?? (verb === 'OPTIONS' ? table['OPTIONS *'] : undefined);
  if (rule) return config?.rateLimitDefault ? { ...rule, rateLimit: config.rateLimitDefault } : rule;
  if (PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return { access: 'public' };
  return undefined;
}

/** The rule applied to a route nobody declared: admins only (fail closed, stay operable). */
export const UNDECLARED_ROUTE_RULE: RouteRule = { access: { scopes: ['admin'] }, rateLimit: MANAGEMENT_RATE_LIMIT };
