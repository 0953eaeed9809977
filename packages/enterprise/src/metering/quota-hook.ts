/**
 * Enforces quotas on inference routes. Runs in onRequest after core's authentication (registered later, so it
 * runs later), before the body is read: a refused request costs no parsing and no inference.
 */
import type { FastifyInstance } from 'fastify';
import { INFERENCE_ROUTES } from '../audit/audit-recorder.js';
import type { Clock } from '../clock.js';
import { EnterpriseError } from '../errors.js';
import type { QuotaService } from './quota-service.js';

const LIMIT_TEXT = {
  requestsPerDay: 'requests per day',
  requestsPerMonth: 'requests per month',
  tokensPerDay: 'tokens per day',
  tokensPerMonth: 'tokens per month',
} as const;

export function installQuotaHook(app: FastifyInstance, deps: { quotas: QuotaService; active: () => boolean; clock: Clock }): void {
  app.addHook('onRequest', async (request) => {
    if (!deps.quotas.any() || !INFERENCE_ROUTES.has(request.routeOptions.url ?? '')) return undefined; // the common case: no work
    const principal = request.principal;
    if (!principal || !deps.active()) return undefined;
    const decision = deps.quotas.admit(principal.id);
    if (decision.allowed) return undefined;
    const retryAfter = Math.max(1, Math.ceil((decision.resetAt - deps.clock().getTime()) / 1000));
    request.log.info({ principal: principal.id, limit: decision.limit, max: decision.max }, 'quota exceeded');
    throw new EnterpriseError(
      'SLUICE_EE_ERR_QUOTA_EXCEEDED',
      `quota exceeded: ${decision.used} of ${decision.max} ${LIMIT_TEXT[decision.limit]} used; it resets at ${new Date(decision.resetAt).toISOString()}`,
      {
        headers: {
          'retry-after': String(retryAfter),
          'x-quota-limit': String(decision.max),
          'x-quota-reset': new Date(decision.resetAt).toISOString(),
        },
      },
    );
  });
}
