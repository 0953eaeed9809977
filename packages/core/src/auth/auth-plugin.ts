/**
 * Authentication and authorisation for every route, in onRequest (before a body is read):
 * 1. find the route's rule (route-rules.ts, or the route's own `config.auth`); public routes pass;
 * 2. read `Authorization: Bearer <token>` and ask each registered strategy in turn (API keys first);
 * 3. check the scopes, the model allow-list and any entitlement the route `requires`. A model named in the
 *    path is checked here; one named in the JSON body is checked in preHandler, on the validated body (JSON
 *    bodies are never type-coerced, see api/validator-compiler.ts), so the value checked is the value used.
 * Every refusal is a 401/403 with the catalogue's code and an audit event (repeats are summarised, see
 * refusal-audit.ts); refused credentials are limited per client address (failed-auth-limiter.ts), past which
 * the answer is 429 and nothing is audited. Credentials are never logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SluiceError } from '../errors.js';
import type { AuthOutcome, AuthStrategy, Principal } from '../extensions.js';
import { emitAudit, holdAudit, releaseHeldAudit } from './audit.js';
import { createFailedAuthLimiter } from './failed-auth-limiter.js';
import { parseModelReference } from './model-reference.js';
import { createRefusalAudit } from './refusal-audit.js';
import { resolveRouteRule, UNDECLARED_ROUTE_RULE, type RouteRule } from './route-rules.js';
import { grants } from './scopes.js';

export interface RouteRuleEntry {
  method: string;
  url: string;
  /** undefined when the route declared nothing (it then answers admins only). */
  rule: RouteRule | undefined;
}

export type RefusalAction = 'auth.failure' | 'auth.denied';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Same-origin per the browser (Fetch Metadata), or an Origin header naming this host. */
export function isSameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
const ruleOfRequest = new WeakMap<FastifyRequest, RouteRule>();

/** The rule applied to this request (undefined for unmatched routes); the rate limiter reads it. */
export function routeRuleOf(request: FastifyRequest): RouteRule | undefined {
  return ruleOfRequest.get(request);
}

function unauthenticated(message: string): SluiceError {
  return new SluiceError('SLUICE_ERR_UNAUTHENTICATED', message, { headers: { 'www-authenticate': 'Bearer realm="sluice"' } });
}

async function authPlugin(app: FastifyInstance, options: { rules: Record<string, RouteRule> }): Promise<void> {
  const { extensions, config } = app.sluice;
  const routes: RouteRuleEntry[] = [];
  const failedAuth = createFailedAuthLimiter({
    max: config.authFailureMax,
    windowMs: config.authFailureWindowMs,
    maxAddresses: config.authFailureAddresses,
  });
  const refusals = createRefusalAudit({
    windowMs: config.authFailureWindowMs,
    maxTracked: config.authFailureAddresses,
    emit: (event) => extensions.events.emit('audit', event),
    onSummaryError: (error, summary) =>
      app.log.error(
        { err: error, action: summary.action, count: summary.count },
        'the audit log cannot record a summary of refused requests',
      ),
  });
  // Summaries go out when their window ends (checked a few times per window) and at shutdown.
  const sweeper = setInterval(() => refusals.sweep(), Math.max(250, Math.floor(config.authFailureWindowMs / 4)));
  sweeper.unref();
  app.decorate('sluiceRefusalAudit', refusals);
  app.addHook('preClose', async () => {
    clearInterval(sweeper);
    refusals.flush();
  });
  const undeclaredWarned = new Set<string>();

  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({ method, url: route.url, rule: resolveRouteRule(options.rules, method, route.url, route.config) });
  });
  app.decorate('sluiceRouteRules', () => routes.slice());
  app.decorate(
    'sluiceRefuse',
    (request: FastifyRequest, action: RefusalAction, error: SluiceError, claimed?: { kind: string; id: string }) =>
      refuse(request, action, error, claimed),
  );

  function ruleFor(request: FastifyRequest): RouteRule | undefined {
    const url = request.routeOptions.url;
    if (url === undefined) return undefined; // no route matched: the 404 handler answers
    const rule = resolveRouteRule(options.rules, request.method, url, request.routeOptions.config);
    if (rule) return rule;
    const name = `${request.method} ${url}`;
    if (!undeclaredWarned.has(name)) {
      undeclaredWarned.add(name);
      request.log.error({ route: name }, 'route has no auth rule; answering admins only (add it to auth/route-rules.ts or config.auth)');
    }
    return UNDECLARED_ROUTE_RULE;
  }

  /** `claimed` names who the refused credentials said they were (a key id, a subject) and which strategy saw them. */
  function refuse(request: FastifyRequest, action: RefusalAction, error: SluiceError, claimed?: { kind: string; id: string }): never {
    if (action === 'auth.failure') limitFailures(request);
    releaseHeldAudit(request, 'as-refusals');
    emitAudit(request, {
      action,
      outcome: action === 'auth.failure' ? 'failure' : 'denied',
      resource: { type: 'route', id: `${request.method} ${request.routeOptions.url ?? request.url}` },
      reason: error.message,
      ...(claimed && !request.principal ? { actor: claimed } : {}),
    });
    throw error;
  }

  /** Over its limit of refused credentials, an address gets 429 and no audit event (only one log line per window). */
  function limitFailures(request: FastifyRequest): void {
    const verdict = failedAuth.refused(request.ip);
    if (!verdict.limited) return;
    releaseHeldAudit(request, 'discard');
    if (verdict.firstInWindow)
      request.log.warn(
        { ip: request.ip, max: config.authFailureMax, windowMs: config.authFailureWindowMs },
        'too many refused credentials from one address; answering 429 until the window ends',
      );
    throw new SluiceError(
      'SLUICE_ERR_RATE_LIMITED',
      `too many requests with refused credentials from this address; retry in ${verdict.retryAfterSeconds} s`,
      {
        headers: { 'retry-after': String(verdict.retryAfterSeconds) },
      },
    );
  }

  function settle(request: FastifyRequest, strategy: AuthStrategy, outcome: AuthOutcome): Principal {
    if (outcome.result === 'authenticated') return outcome.principal;
    return refuse(
      request,
      'auth.failure',
      unauthenticated(outcome.reason),
      outcome.principalId ? { kind: strategy.name, id: outcome.principalId } : undefined,
    );
  }

  /** Credentials the browser attaches by itself: never on a cross-site state-changing request (CSRF). */
  async function authenticateAmbient(request: FastifyRequest): Promise<Principal | undefined> {
    for (const strategy of extensions.auth.strategies()) {
      const outcome = await strategy.fromRequest?.(request);
      if (outcome === undefined) continue;
      if (outcome.result === 'authenticated' && !SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
        refuse(
          request,
          'auth.denied',
          new SluiceError(
            'SLUICE_ERR_FORBIDDEN',
            'a cross-site request cannot use session credentials; send "Authorization: Bearer <key>"',
          ),
        );
      }
      return settle(request, strategy, outcome);
    }
    return undefined;
  }

  async function authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      const ambient = await authenticateAmbient(request);
      if (ambient) return ambient;
      refuse(request, 'auth.failure', unauthenticated('this route needs an API key: send "Authorization: Bearer <key>"'));
    }
    const match = BEARER.exec(header);
    if (!match) refuse(request, 'auth.failure', unauthenticated('the Authorization header must be "Bearer <key>"'));
    const credentials = { bearer: match[1]! };
    for (const strategy of extensions.auth.strategies()) {
      const outcome = await strategy.authenticate(credentials, request);
      if (outcome !== undefined) return settle(request, strategy, outcome);
    }
    return refuse(request, 'auth.failure', unauthenticated('the bearer token is not a credential this server accepts'));
  }

  /** The model allow-list: `given` is a validated path parameter or body field naming a model ("name[:version]"). */
  function checkModel(request: FastifyRequest, given: unknown, where: string): void {
    const allowed = request.principal?.models;
    if (!allowed) return;
    // Fail closed: a key limited to some models must name one of them, as a string.
    const model = typeof given === 'string' ? parseModelReference(given).model : undefined;
    if (model !== undefined && allowed.includes(model)) return;
    const error = new SluiceError(
      'SLUICE_ERR_FORBIDDEN',
      model === undefined ? `this key may use only some models: name one in ${where}` : `this key may not use model "${model}"`,
    );
    emitAudit(request, {
      action: 'model.access',
      outcome: 'denied',
      resource: { type: 'model', ...(model !== undefined ? { id: model } : {}) },
      reason: error.message,
    });
    throw error;
  }

  app.addHook('onRequest', async (request) => {
    const rule = ruleFor(request);
    if (!rule) return;
    ruleOfRequest.set(request, rule);
    // The plan comes first, public routes included: a locked feature is locked for everyone.
    const feature = request.routeOptions.config?.requires;
    if (feature && !extensions.entitlements.has(feature)) {
      refuse(
        request,
        'auth.denied',
        new SluiceError(
          'SLUICE_ERR_NOT_ENTITLED',
          `this route needs the "${feature}" feature, which the ${extensions.entitlements.plan()} plan does not include`,
        ),
      );
    }
    const { access } = rule;
    if (access === 'public') return;
    // A strategy's own audit events wait for the outcome (a refusal past the limit must write nothing).
    holdAudit(request);
    let principal: Principal;
    try {
      principal = await authenticate(request);
    } catch (error) {
      releaseHeldAudit(request, 'as-refusals'); // a strategy that threw (refuse() has released them otherwise)
      throw error;
    }
    releaseHeldAudit(request, 'publish');
    request.principal = principal;
    if (access !== 'authenticated') {
      if (!grants(request.principal.scopes, access.scopes)) {
        refuse(
          request,
          'auth.denied',
          new SluiceError('SLUICE_ERR_FORBIDDEN', `this route needs one of the scopes: ${access.scopes.join(', ')}`),
        );
      }
      if (access.modelParam) checkModel(request, (request.params as Record<string, unknown> | undefined)?.[access.modelParam], `the path`);
    }
  });

  // After validation: the body's model field is checked as the handler will read it.
  app.addHook('preHandler', async (request) => {
    const rule = ruleOfRequest.get(request);
    if (!rule || typeof rule.access !== 'object' || !rule.access.modelBodyField) return;
    const body = request.body;
    const given =
      body && typeof body === 'object' && !Buffer.isBuffer(body)
        ? (body as Record<string, unknown>)[rule.access.modelBodyField]
        : undefined;
    checkModel(request, given, `the body's "${rule.access.modelBodyField}" field`);
  });
}

export const authentication = fp(authPlugin, { name: 'sluice-auth', fastify: '5.x' });

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far with the auth rule it resolved to (the route-scope test reads this). */
    sluiceRouteRules(): RouteRuleEntry[];
    /**
     * Refuses a request as the auth plugin does, for routes that check credentials themselves (POST
     * /auth/session): 'auth.failure' counts towards the failed-auth limit (429 past it, nothing audited), and
     * the refusal is audited through the refusal summaries. Always throws `error` (or the 429).
     */
    sluiceRefuse(request: FastifyRequest, action: RefusalAction, error: SluiceError, claimed?: { kind: string; id: string }): never;
  }
}
