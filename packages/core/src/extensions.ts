/**
 * The PUBLIC extension contract: what an outside package (@sluice/enterprise, third parties) can plug into.
 * A plugin is a fastify plugin named in SLUICE_PLUGINS / `plugins`; it reaches these points through
 * `app.sluice.extensions`. Every point has a community default, so core works with no plugin at all.
 *
 * - auth strategies: API keys are built in; a plugin adds e.g. OIDC/JWT bearer tokens.
 * - entitlements: `has(feature)`; the community default has none; routes declare `config.requires`.
 * - events: a typed bus with `audit` and `inference.completed`; listeners run off the request path, their
 *   errors are logged and swallowed, and they never see request or response payloads.
 * - rate limits: a per-principal policy function and a store with @fastify/rate-limit's store contract.
 *
 * Routes declare who may call them with `config.auth` (see RouteAccess); core's own routes are listed in
 * auth/route-rules.ts. A route with no rule answers admins only, and the test suite fails on it.
 * Documented in packages/core/README.md ("Extension contract"). Changing a type here is a breaking change.
 */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Scope } from './auth/scopes.js';
import { createConsoleRegistry } from './console/console-registry.js';
import { createEventBus } from './events/event-bus.js';

export { SCOPES, type Scope } from './auth/scopes.js';

// ---- principals and auth strategies ------------------------------------------------------------------------

/** Who is calling: an API key, or a user/machine identified by another strategy. */
export interface Principal {
  /** The strategy's kind: 'api-key' for core keys; plugins choose their own ('oidc', 'jwt', ...). */
  kind: string;
  /** Stable identifier: the API key id, or the token's subject. Safe to log; never a secret. */
  id: string;
  /** A human label (key name, e-mail) for logs and audit. */
  name?: string;
  scopes: readonly Scope[];
  /** Models this principal may use; undefined means every model. */
  models?: readonly string[];
  /** A limit that overrides the route and server defaults (stored with an API key). */
  rateLimit?: RateLimit;
  /**
   * A role name when the strategy has roles (e.g. SSO: 'admin', 'operator', 'user', 'viewer'). Informational:
   * access is decided by `scopes`; GET /auth/session reports it to the console.
   */
  role?: string;
}

/** The credentials core extracted from the request (today: `Authorization: Bearer <token>`). */
export interface Credentials {
  bearer: string;
}

export type AuthOutcome =
  | { result: 'authenticated'; principal: Principal }
  /** The credentials were this strategy's kind but are not valid; `reason` is shown to the client. */
  | { result: 'rejected'; reason: string; principalId?: string };

export interface AuthStrategy {
  name: string;
  /**
   * Decide on the credentials. Return undefined when they are not this strategy's kind (e.g. not a JWT), so the
   * next strategy is asked; a rejection ends the chain with 401. Must not log the credentials.
   */
  authenticate(credentials: Credentials, request: FastifyRequest): AuthOutcome | undefined | Promise<AuthOutcome | undefined>;
  /**
   * Optional: credentials the browser sends by itself (e.g. a session cookie), asked only when the request has
   * no Authorization header. Same contract as authenticate(). Because a browser attaches such credentials to
   * cross-site requests too, core refuses them on unsafe methods unless the request is same-origin
   * (Sec-Fetch-Site: same-origin, or an Origin that matches the Host).
   */
  fromRequest?(request: FastifyRequest): AuthOutcome | undefined | Promise<AuthOutcome | undefined>;
}

/**
 * What a route requires: 'public' (no credentials: liveness, readiness, docs), 'authenticated' (any valid
 * principal), or one of `scopes` (admin always qualifies). `modelParam` / `modelBodyField` name where the
 * model is, checked against the principal's model allow-list.
 */
export type RouteAccess =
  | 'public'
  | 'authenticated'
  | {
      scopes: readonly Scope[];
      modelParam?: string;
      /** A JSON body field holding the model name (e.g. OpenAI's `model`). */ modelBodyField?: string;
    };

// ---- entitlements ------------------------------------------------------------------------------------------

export interface EntitlementProvider {
  /** The plan's name, e.g. 'community' or 'enterprise'. */
  plan: string;
  has(feature: string): boolean;
}

export const COMMUNITY_ENTITLEMENTS: EntitlementProvider = Object.freeze({ plan: 'community', has: () => false });

// ---- events -------------------------------------------------------------------------------------------------

export interface AuditActor {
  /** 'api-key', another strategy's kind, 'anonymous' (no valid credentials) or 'system'. */
  kind: string;
  id?: string;
  name?: string;
}

/** One security-relevant action. Emitted for every admin action, key change, model change and auth failure. */
export interface AuditEvent {
  /** ISO 8601. */
  time: string;
  /** e.g. 'key.create', 'key.revoke', 'model.load', 'model.unload', 'auth.failure', 'auth.denied'. */
  action: string;
  /** 'requested' is the intent recorded before an audited action runs (see `audited`); its outcome follows. */
  outcome: 'requested' | 'success' | 'failure' | 'denied';
  actor: AuditActor;
  resource: { type: string; id?: string };
  /** Why it failed or was denied; never a credential. */
  reason?: string;
  ip?: string;
  requestId?: string;
  /**
   * How many identical events this one stands for; absent means 1. Core summarises repeated refusals
   * (auth.failure, auth.denied, model.access from one address, route, reason and actor) in a window: the first
   * is emitted alone, the repeats as one event with `count` = their number, `time` and `requestId` of the last.
   */
  count?: number;
}

/** One inference request's outcome: who, which model, how much, how long. Never inputs or outputs. */
export interface InferenceCompletedEvent {
  time: string;
  /** The API key id when an API key called. */
  keyId?: string;
  /** The subject when another strategy authenticated the caller. */
  subject?: string;
  principalKind?: string;
  model: string;
  version?: string;
  items: number;
  /** Tokens consumed: a text task's input tokens; for text generation, prompt plus completion tokens. */
  tokens?: number;
  /** Text generation: tokens of the prompt (as the chat template rendered it). */
  promptTokens?: number;
  /** Text generation: tokens generated. */
  completionTokens?: number;
  queueMs: number;
  computeMs: number;
  totalMs: number;
  status: 'success' | 'failure';
  errorCode?: string;
  requestId?: string;
}

export interface SluiceEvents {
  audit: AuditEvent;
  'inference.completed': InferenceCompletedEvent;
}

export type EventListener<E extends keyof SluiceEvents> = (event: Readonly<SluiceEvents[E]>) => void | Promise<void>;

export interface ListenerOptions {
  /**
   * Run synchronously inside emit(), before the emitting request goes on (and so before its response): for a
   * record that must survive a crash right after the action, such as an audit log's committed insert. A durable
   * listener must be quick and synchronous. Its exception is NOT swallowed: emit() throws it to the emitter
   * (the event was not recorded, so the emitter must not go on as if it had been: audit fails closed).
   */
  durable?: boolean;
}

export interface EventBus {
  /** Subscribe; returns the unsubscribe function. Listeners run later, never inside the emitting request, unless durable. */
  on<E extends keyof SluiceEvents>(event: E, listener: EventListener<E>, options?: ListenerOptions): () => void;
  /** Run the durable listeners (throwing the first failure), queue the others, and return. */
  emit<E extends keyof SluiceEvents>(event: E, payload: SluiceEvents[E]): void;
}

// ---- rate limits --------------------------------------------------------------------------------------------

export interface RateLimit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface RateLimitContext {
  principal: Principal;
  method: string;
  /** The route pattern, e.g. '/v2/models/:model/infer'. */
  route: string;
  /** What core would apply: the principal's own limit, else the route default, else the server default. */
  coreDefault: RateLimitDecision | null;
}

export interface RateLimitDecision extends RateLimit {
  /** Requests sharing a bucket share one counter (per principal). */
  bucket: string;
}

/** Returns a decision, null for "no limit", or undefined to keep core's default. */
export type RateLimitPolicy = (context: RateLimitContext) => RateLimitDecision | null | undefined;

/** @fastify/rate-limit's store contract, so its Redis store (or any shared store) can be used for replicas. */
export interface RateLimitStore {
  incr(
    key: string,
    callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
}

// ---- console ------------------------------------------------------------------------------------------------

/**
 * A page a plugin adds to the web console (served by core at /console/). The console lists it in its navigation
 * for principals holding one of `scopes` (admin always does) and, when a person opens /console/<id>, imports
 * `entry` from the plugin's own pre-built assets, which core serves read-only at /console/ext/<id>/. The module
 * must export `mount(element: HTMLElement, context: ConsolePageContext): void | (() => void)` (the returned
 * function unmounts). Pages use only the public HTTP API, same-origin with the session cookie; the strict CSP
 * applies to them too (no inline script, nothing from another origin).
 */
export interface ConsolePage {
  /** URL-safe and unique: `[a-z][a-z0-9-]{0,31}`. The page lives at /console/<id>. */
  id: string;
  /** The navigation label. */
  title: string;
  /** Absolute path of the plugin's folder of pre-built static files (JS, CSS, images). */
  assetsDir: string;
  /** The ES module inside assetsDir (relative path, e.g. 'license.js') that exports `mount`. */
  entry: string;
  /** Stylesheets inside assetsDir the console links before mounting (relative paths). */
  styles?: readonly string[];
  /** Any one of these scopes shows the page (admin always does); omitted: every signed-in principal. */
  scopes?: readonly Scope[];
  /**
   * The entitlement the page is about. Informational: the page stays visible without it and explains what it
   * would unlock (a person never meets a dead 402).
   */
  entitlement?: string;
  /** Position in the navigation; core's own pages use 10 (Overview) to 40 (API keys). Default 100. */
  order?: number;
}

/** What GET /auth/session answers: the signed-in principal, as the console and its pages see it. */
export interface ConsoleSession {
  kind: string;
  id: string;
  name?: string;
  scopes: readonly Scope[];
  models?: readonly string[];
  /** A role name when the strategy has roles (e.g. SSO: 'admin', 'operator', 'user', 'viewer'). */
  role?: string;
  /** When this console session ends (ISO 8601), when it is one. */
  expiresAt?: string;
  /** The server's plan (`extensions.entitlements.plan()`), e.g. 'community'. */
  plan: string;
  /** The server's version. */
  version: string;
}

/** What a page module's `mount(element, context)` receives in the browser. */
export interface ConsolePageContext {
  session: ConsoleSession;
  /** fetch() on the server's own origin with the session cookie; rejects only on network errors, like fetch. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Go to another console page, e.g. navigate('/console/keys'). */
  navigate(path: string): void;
}

/** Another way to sign in to the console, offered on its sign-in page beside the API key (e.g. SSO). */
export interface ConsoleSignIn {
  id: string;
  /** The button's label, e.g. 'Sign in with SSO'. */
  label: string;
  /** Same-origin URL the browser navigates to (GET) to start the sign-in. */
  href: string;
  /** Same-origin URL the console POSTs to on sign-out of a session this method created. */
  signOutHref?: string;
  /** The principal kind this method's sessions have (e.g. 'oidc'), so sign-out knows which href to call. */
  principalKind?: string;
  /**
   * What the sign-in page tells a person this method sent back with `/console/?signin_error=<code>` (e.g. its
   * login failed), keyed by error code. Only the code travels in the URL, so a crafted link cannot choose the text.
   */
  errorMessages?: Readonly<Record<string, string>>;
}

// ---- the registry plugins see -----------------------------------------------------------------------------

export interface SluiceExtensions {
  auth: {
    /** Add a strategy; strategies are asked in registration order (API keys first). */
    register(strategy: AuthStrategy): void;
    strategies(): readonly AuthStrategy[];
  };
  entitlements: {
    /** Replace the community default (the enterprise plugin does this once a license is verified). */
    provide(provider: EntitlementProvider): void;
    has(feature: string): boolean;
    plan(): string;
  };
  events: EventBus;
  rateLimit: {
    /** Install (or with undefined, remove) the policy. */
    setPolicy(policy: RateLimitPolicy | undefined): void;
    policy(): RateLimitPolicy | undefined;
    /** Replace the in-process store (counters are per process) with a shared one; undefined restores it. */
    setStore(store: RateLimitStore | undefined): void;
    store(): RateLimitStore | undefined;
  };
  console: {
    /** Add a page; throws on a malformed or duplicate id, a relative assetsDir or an entry outside it. */
    addPage(page: ConsolePage): void;
    pages(): readonly ConsolePage[];
    /** Offer another sign-in method on the console's sign-in page. */
    addSignIn(method: ConsoleSignIn): void;
    signIns(): readonly ConsoleSignIn[];
  };
}

export function createExtensions(deps: { logger: FastifyBaseLogger }): SluiceExtensions {
  const strategies: AuthStrategy[] = [];
  let entitlements: EntitlementProvider = COMMUNITY_ENTITLEMENTS;
  let policy: RateLimitPolicy | undefined;
  let store: RateLimitStore | undefined;
  return {
    auth: {
      register(strategy) {
        if (strategies.some((s) => s.name === strategy.name))
          throw new Error(`an auth strategy named "${strategy.name}" is already registered`);
        strategies.push(strategy);
      },
      strategies: () => strategies,
    },
    entitlements: {
      provide(provider) {
        entitlements = provider;
      },
      has(feature) {
        try {
          return entitlements.has(feature) === true;
        } catch (error) {
          deps.logger.error({ err: error, feature }, 'entitlement check failed; treating the feature as unavailable');
          return false;
        }
      },
      plan: () => entitlements.plan,
    },
    events: createEventBus({ logger: deps.logger }),
    rateLimit: {
      setPolicy(next) {
        policy = next;
      },
      policy: () => policy,
      setStore(next) {
        store = next;
      },
      store: () => store,
    },
    console: createConsoleRegistry(),
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; undefined on public routes. */
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Who may call this route (see RouteAccess). Overrides core's route table. */
    auth?: RouteAccess;
    /** An entitlement the route needs, e.g. 'audit'; without it the route answers 403 SLUICE_ERR_NOT_ENTITLED. */
    requires?: string;
    /** This route's default rate limit (a principal's own limit still wins). */
    rateLimitDefault?: RateLimit;
  }
}
