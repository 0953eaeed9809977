/**
 * Per-principal rate limits with @fastify/rate-limit: counters keyed by principal and bucket, limits from
 * policy.ts, IETF draft RateLimit-* headers, and 429 SLUICE_ERR_RATE_LIMITED with Retry-After. Public routes
 * (probes, docs) and unlimited callers are not counted. Runs after authentication (route-level onRequest).
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { routeRuleOf } from '../auth/auth-plugin.js';
import { SluiceError } from '../errors.js';
import type { RateLimitDecision, RateLimitStore } from '../extensions.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { decideRateLimit } from './policy.js';

const decisions = new WeakMap<FastifyRequest, RateLimitDecision | null>();

async function rateLimitPlugin(app: FastifyInstance): Promise<void> {
  const { config, extensions } = app.sluice;
  const serverDefault = config.rateLimitMax > 0 ? { max: config.rateLimitMax, windowMs: config.rateLimitWindowMs } : undefined;
  const memory = createMemoryRateLimitStore();

  /** @fastify/rate-limit instantiates its store once; this one forwards to whatever store is installed now. */
  class DelegatingStore {
    // @fastify/rate-limit passes timeWindow and max at run time although its typings declare two parameters.
    incr(key: string, callback: Parameters<RateLimitStore['incr']>[1], timeWindow = 60_000, max = Number.MAX_SAFE_INTEGER): void {
      (extensions.rateLimit.store() ?? memory).incr(key, callback, timeWindow, max);
    }
    child(): DelegatingStore {
      return this;
    }
  }

  function decisionOf(request: FastifyRequest): RateLimitDecision | null {
    if (decisions.has(request)) return decisions.get(request)!;
    const rule = routeRuleOf(request);
    const principal = request.principal;
    const decision =
      rule && principal
        ? decideRateLimit({
            principal,
            method: request.method,
            route: request.routeOptions.url ?? request.url,
            rule,
            serverDefault,
            policy: extensions.rateLimit.policy(),
          })
        : null;
    decisions.set(request, decision);
    return decision;
  }

  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    enableDraftSpec: true,
    store: DelegatingStore,
    keyGenerator: (request) => {
      const decision = decisionOf(request);
      return decision && request.principal ? `${request.principal.kind}:${request.principal.id}:${decision.bucket}` : 'unlimited';
    },
    allowList: (request) => decisionOf(request) === null,
    max: (request) => decisionOf(request)?.max ?? Number.MAX_SAFE_INTEGER,
    timeWindow: (request) => decisionOf(request)?.windowMs ?? 60_000,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new SluiceError(
        'SLUICE_ERR_RATE_LIMITED',
        `rate limit exceeded: ${context.max} requests per ${context.after}; retry in ${seconds} s`,
        { headers: { 'retry-after': String(seconds) } },
      );
    },
  });
}

export const rateLimiting = fp(rateLimitPlugin, { name: 'sluice-rate-limit', fastify: '5.x', dependencies: ['sluice-auth'] });
