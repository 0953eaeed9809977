/**
 * Which limit applies to a request: the principal's own limit (stored with an API key) wins, then the route's
 * default, then the server default (--rate-limit-max, 0 = none); a plugin's policy may override the result.
 */
import type { Principal, RateLimit, RateLimitDecision, RateLimitPolicy } from '../extensions.js';
import type { RouteRule } from '../auth/route-rules.js';

export interface PolicyInput {
  principal: Principal;
  method: string;
  route: string;
  rule: RouteRule;
  serverDefault: RateLimit | undefined;
  policy: RateLimitPolicy | undefined;
}

export function coreDecision(input: Omit<PolicyInput, 'policy'>): RateLimitDecision | null {
  if (input.principal.rateLimit) return { ...input.principal.rateLimit, bucket: 'principal' };
  if (input.rule.rateLimit)
    return { ...input.rule.rateLimit, bucket: `route:${input.method === 'HEAD' ? 'GET' : input.method} ${input.route}` };
  if (input.serverDefault) return { ...input.serverDefault, bucket: 'server' };
  return null;
}

export function decideRateLimit(input: PolicyInput): RateLimitDecision | null {
  const fallback = coreDecision(input);
  if (!input.policy) return fallback;
  const decided = input.policy({ principal: input.principal, method: input.method, route: input.route, coreDefault: fallback });
  return decided === undefined ? fallback : decided;
}
