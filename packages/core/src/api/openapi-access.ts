/**
 * Documents who may call each operation, from the same route rules the auth plugin enforces: operations that
 * need credentials get the bearer security requirement and their 401, 403 and 429 answers.
 */
import type { RouteRuleEntry } from '../auth/auth-plugin.js';
import { errorResponseSchema } from './error-handler.js';

export const BEARER_SCHEME = 'bearerAuth';

export const bearerSecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  description:
    'An API key: `Authorization: Bearer sk_sluice_...` (the first admin key is printed at first start; more with `sluice keys create` or POST /admin/keys).',
} as const;

type Operation = { security?: unknown[]; responses?: Record<string, Response> };
type Response = { description?: string; content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> };

/** fastify's "/v2/models/:model" as OpenAPI's "/v2/models/{model}". */
export function openApiPathOf(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The operation's own error body (the OpenAI routes answer in OpenAI's shape), else Sluice's {error, code}. */
function errorContentOf(operation: Operation): Response['content'] {
  return operation.responses?.['400']?.content ?? { 'application/json': { schema: errorResponseSchema } };
}

function refusals(operation: Operation): Record<string, Response> {
  const content = errorContentOf(operation);
  return {
    401: {
      description: 'No valid credentials (missing, unknown, revoked or expired API key)',
      content,
      headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="sluice"' } },
    },
    403: { description: "The key lacks this route's scope, may not use this model, or the plan lacks the feature", content },
    429: {
      description: 'Rate limited; retry after Retry-After seconds',
      content,
      headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait before retrying' } },
    },
  };
}

/** Adds the security requirement and refusal responses to every operation whose rule is not public. */
export function documentAccess(paths: Record<string, Record<string, Operation>>, rules: RouteRuleEntry[]): void {
  for (const { method, url, rule } of rules) {
    const operation = paths[openApiPathOf(url)]?.[method.toLowerCase()];
    if (!operation) continue;
    // A route without a rule answers admins only: it needs credentials too.
    if (rule?.access === 'public') continue;
    operation.security = [{ [BEARER_SCHEME]: [] }];
    operation.responses = { ...refusals(operation), ...operation.responses };
  }
}
