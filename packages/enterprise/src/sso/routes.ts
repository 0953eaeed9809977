/**
 * The browser side of SSO, under /auth/sso (all `config.auth: 'public'` for core: they authenticate with the
 * session cookie themselves):
 * - GET  /auth/sso/login?return_to=/path  starts a login: 302 to the IdP (code flow, PKCE S256, state, nonce);
 * - GET  /auth/sso/callback               the IdP's redirect: checks state (and the browser binding), exchanges the
 *                                         code (PKCE, nonce, ID token), maps claims to a role, opens a session,
 *                                         sets the session cookie and 303s to return_to;
 * - GET  /auth/sso/me                     who the session is (cookie or `Authorization: Bearer sso_...`);
 * - POST /auth/sso/session-token          the session's bearer token, for scripts in the browser that call the API;
 * - POST /auth/sso/logout                 ends the session and, when the IdP supports it, sends the browser to its
 *                                         end-session endpoint (RP-initiated logout).
 * Every route first checks the `sso` entitlement. Logins (success and failure) and logouts are audited.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { emitAudit } from '@sluice/core';
import { EnterpriseError } from '../errors.js';
import { isLocalPath, type SsoConfig } from './config.js';
import { clearCookie, isSecureRequest, LOGIN_COOKIE, LOGIN_COOKIE_PATH, readCookie, SESSION_COOKIE, setCookie } from './cookies.js';
import { sendBrowsersToSignIn } from './browser-errors.js';
import { SsoError } from './errors.js';
import type { OidcClient } from './oidc-client.js';
import { decideRole } from './roles.js';
import { LOGIN_ATTEMPT_TTL_MS, MAX_PENDING_LOGINS, SESSION_TOKEN_PREFIX, type SsoSessionStore } from './session-store.js';
import type { SsoSessionRow } from './schema.js';
import { principalOfSession, SESSION_PRINCIPAL_KIND } from './strategies.js';

export interface SsoRoutesOptions {
  /** undefined when SSO is not configured: every route answers SLUICE_EE_ERR_SSO_NOT_CONFIGURED. */
  config: SsoConfig | undefined;
  oidc: OidcClient | undefined;
  sessions: SsoSessionStore | undefined;
  entitled: () => boolean;
  lockedError?: (() => EnterpriseError) | undefined;
}

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const MAX_RETURN_TO = 2048;
const publicRoute = { auth: 'public' } as const;
/** OpenAPI tags and summary (@fastify/swagger reads them; fastify's own schema type does not list them). */
const documented = (summary: string) => ({ tags: ['sso'], summary }) as FastifySchema;

export async function ssoRoutes(app: FastifyInstance, options: SsoRoutesOptions): Promise<void> {
  const { config, oidc, sessions, entitled } = options;
  const { extensions } = app.sluice;

  // A logout form posts an empty urlencoded body; nothing in it is read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) =>
    done(null, {}),
  );

  sendBrowsersToSignIn(app);

  app.addHook('onRequest', async (request) => {
    if (entitled()) return;
    const plan = extensions.entitlements.plan();
    const error =
      options.lockedError?.() ??
      (plan === 'community'
        ? new EnterpriseError(
            'SLUICE_EE_ERR_LICENSE_REQUIRED',
            'single sign-on requires the "sso" entitlement: no license unlocks it on this server',
          )
        : new EnterpriseError(
            'SLUICE_EE_ERR_NOT_ENTITLED',
            `single sign-on requires the "sso" entitlement, which the ${plan} plan does not include`,
          ));
    emitAudit(request, {
      action: 'auth.denied',
      outcome: 'denied',
      resource: { type: 'route', id: `${request.method} ${request.routeOptions.url ?? request.url}` },
      reason: error.message,
    });
    throw error;
  });

  function configured(): { config: SsoConfig & { login: NonNullable<SsoConfig['login']> }; oidc: OidcClient; sessions: SsoSessionStore } {
    if (!config?.login || !oidc || !sessions) {
      throw new SsoError(
        'SLUICE_EE_ERR_SSO_NOT_CONFIGURED',
        config
          ? 'browser login is not configured on this server (set SLUICE_SSO_CLIENT_ID, SLUICE_SSO_CLIENT_SECRET and SLUICE_SSO_REDIRECT_URI)'
          : 'single sign-on is not configured on this server (set SLUICE_SSO_ISSUER and the SLUICE_SSO_* settings)',
      );
    }
    return { config: config as SsoConfig & { login: NonNullable<SsoConfig['login']> }, oidc, sessions };
  }

  const secure = (request: FastifyRequest) =>
    isSecureRequest(request, {
      ...(config?.login ? { redirectUri: config.login.redirectUri } : {}),
      trustedProxies: config?.trustedProxies ?? new Set(),
    });

  /** The session token a request carries: the cookie, else an `Authorization: Bearer sso_...` header. */
  function sessionToken(request: FastifyRequest, allowBearer: boolean): string | undefined {
    const cookie = readCookie(request, SESSION_COOKIE);
    if (cookie?.startsWith(SESSION_TOKEN_PREFIX)) return cookie;
    if (!allowBearer) return undefined;
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    return bearer?.startsWith(SESSION_TOKEN_PREFIX) ? bearer : undefined;
  }

  function currentSession(
    request: FastifyRequest,
    reply: FastifyReply,
    store: SsoSessionStore,
    allowBearer: boolean,
  ): { token: string; session: SsoSessionRow } {
    const token = sessionToken(request, allowBearer);
    if (!token) throw new SsoError('SLUICE_EE_ERR_SSO_SESSION_REQUIRED', 'no SSO session: log in at /auth/sso/login');
    const found = store.findSession(token);
    if (found.status !== 'valid') {
      if (readCookie(request, SESSION_COOKIE)) clearCookie(reply, SESSION_COOKIE, '/', secure(request));
      throw new SsoError(
        'SLUICE_EE_ERR_SSO_SESSION_EXPIRED',
        found.status === 'expired' ? found.reason : 'the SSO session is unknown or logged out; log in again',
      );
    }
    request.principal = principalOfSession(found.session);
    return { token, session: found.session };
  }

  function describeSession(session: SsoSessionRow, sso: SsoConfig) {
    const idleMs = sso.session.idleMs;
    return {
      subject: session.subject,
      name: session.name,
      email: session.email,
      role: session.role,
      scopes: session.scopes,
      // What the IdP sent in the role claim at login, and which claim: the role above is what they mapped to.
      roleClaim: sso.roleClaim,
      groups: session.groups ?? [],
      session: {
        id: session.id,
        createdAt: new Date(session.createdAt).toISOString(),
        expiresAt: new Date(Math.min(session.expiresAt, session.lastSeenAt + idleMs)).toISOString(),
        absoluteExpiresAt: new Date(session.expiresAt).toISOString(),
      },
    };
  }

  /** Cookie-authenticated POSTs: a browser's cross-origin POST is refused even where SameSite is not enforced. */
  function refuseCrossOrigin(request: FastifyRequest, publicOrigin: string): void {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null' && origin !== publicOrigin) {
      throw new SsoError('SLUICE_EE_ERR_SSO_BAD_REQUEST', `cross-origin request from ${origin} refused`);
    }
  }

  app.get(
    '/auth/sso/login',
    { config: publicRoute, schema: documented('Start a single sign-on login (redirects to the identity provider)') },
    async (request, reply) => {
      const sso = configured();
      const returnTo = (request.query as Record<string, unknown>)['return_to'] ?? sso.config.login.postLoginPath;
      if (typeof returnTo !== 'string' || returnTo.length > MAX_RETURN_TO || !isLocalPath(returnTo)) {
        throw new SsoError('SLUICE_EE_ERR_SSO_BAD_REQUEST', 'return_to must be a path on this server, like /auth/sso/me');
      }
      const started = await sso.oidc.beginLogin();
      // Reusing the browser's binding cookie lets two tabs log in at once.
      const binding = readCookie(request, LOGIN_COOKIE) ?? randomBytes(24).toString('base64url');
      sso.sessions.purgeExpired();
      if (sso.sessions.pendingLogins() >= MAX_PENDING_LOGINS) {
        throw new SsoError('SLUICE_EE_ERR_SSO_TOO_MANY_LOGINS', 'too many logins are in progress; try again in a few minutes');
      }
      sso.sessions.startLogin({ state: started.state, binding, codeVerifier: started.codeVerifier, nonce: started.nonce, returnTo });
      setCookie(reply, LOGIN_COOKIE, binding, { path: LOGIN_COOKIE_PATH, maxAge: LOGIN_ATTEMPT_TTL_MS / 1000, secure: secure(request) });
      return reply.header('cache-control', 'no-store').redirect(started.url.href, 302);
    },
  );

  app.get(
    '/auth/sso/callback',
    { config: publicRoute, schema: documented("The identity provider's redirect back after a login") },
    async (request, reply) => {
      const sso = configured();
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      let subject: string | undefined;
      try {
        const state = new URLSearchParams(query).get('state');
        if (!state) throw new SsoError('SLUICE_EE_ERR_SSO_STATE_MISMATCH', 'the login callback carries no state; start the login again');
        const attempt = sso.sessions.consumeLogin(state);
        if (!attempt)
          throw new SsoError(
            'SLUICE_EE_ERR_SSO_STATE_MISMATCH',
            'the login state is unknown, expired or already used; start the login again',
          );
        if (!sso.sessions.bindingMatches(attempt, readCookie(request, LOGIN_COOKIE))) {
          throw new SsoError('SLUICE_EE_ERR_SSO_STATE_MISMATCH', 'this login was started in another browser; start the login again');
        }
        const result = await sso.oidc.completeLogin(query, { state, nonce: attempt.nonce, codeVerifier: attempt.codeVerifier });
        subject = result.subject;
        const decision = decideRole(result.claims, sso.config.roleClaim, sso.config.roleRules);
        const name = stringClaim(result.claims, 'name') ?? stringClaim(result.claims, 'preferred_username');
        const email = stringClaim(result.claims, 'email');
        if (!decision.role) {
          request.log.info(
            { subject, roleClaim: sso.config.roleClaim, values: decision.values },
            'single sign-on: no role for this subject',
          );
          throw new SsoError(
            'SLUICE_EE_ERR_SSO_NO_ROLE',
            `your identity provider account has no Sluice role (its "${sso.config.roleClaim}" claim matches no rule); ask an administrator`,
          );
        }
        const { token, session } = sso.sessions.createSession({
          subject,
          ...(name ? { name } : {}),
          ...(email ? { email } : {}),
          role: decision.role,
          scopes: decision.scopes,
          groups: decision.values,
          ...(result.idToken ? { idToken: result.idToken } : {}),
        });
        const isSecure = secure(request);
        setCookie(reply, SESSION_COOKIE, token, { path: '/', maxAge: sso.config.session.ttlMs / 1000, secure: isSecure });
        clearCookie(reply, LOGIN_COOKIE, LOGIN_COOKIE_PATH, isSecure);
        emitAudit(request, {
          action: 'sso.login',
          outcome: 'success',
          actor: { kind: SESSION_PRINCIPAL_KIND, id: subject, ...((name ?? email) ? { name: (name ?? email)! } : {}) },
          resource: { type: 'sso-session', id: session.id },
          reason: `role ${decision.role}`,
        });
        return reply.header('cache-control', 'no-store').redirect(attempt.returnTo, 303);
      } catch (error) {
        const reason = error instanceof SsoError ? error.message : 'unexpected failure';
        emitAudit(request, {
          action: 'sso.login',
          outcome: 'failure',
          actor: subject ? { kind: SESSION_PRINCIPAL_KIND, id: subject } : { kind: 'anonymous' },
          resource: { type: 'sso-session' },
          reason: error instanceof SsoError ? `${error.code}: ${reason}` : reason,
        });
        throw error;
      }
    },
  );

  app.get('/auth/sso/me', { config: publicRoute, schema: documented('The signed-in user of this SSO session') }, async (request, reply) => {
    const sso = configured();
    const { session } = currentSession(request, reply, sso.sessions, true);
    return reply.header('cache-control', 'no-store').send(describeSession(session, sso.config));
  });

  app.post(
    '/auth/sso/session-token',
    { config: publicRoute, schema: documented("This browser session's bearer token, for API calls from scripts") },
    async (request, reply) => {
      const sso = configured();
      refuseCrossOrigin(request, sso.config.login.redirectUri.origin);
      const { token, session } = currentSession(request, reply, sso.sessions, false);
      return reply
        .header('cache-control', 'no-store')
        .send({ token_type: 'Bearer', access_token: token, expires_at: new Date(session.expiresAt).toISOString() });
    },
  );

  app.post(
    '/auth/sso/logout',
    { config: publicRoute, schema: documented('End the SSO session (and, where supported, the session at the identity provider)') },
    async (request, reply) => {
      const sso = configured();
      refuseCrossOrigin(request, sso.config.login.redirectUri.origin);
      const token = sessionToken(request, true);
      const found = token ? sso.sessions.findSession(token) : undefined;
      let endSessionUrl: string | undefined;
      if (found?.status === 'valid') {
        const { session } = found;
        request.principal = principalOfSession(session);
        sso.sessions.deleteSession(session.id);
        emitAudit(request, { action: 'sso.logout', outcome: 'success', resource: { type: 'sso-session', id: session.id } });
        try {
          endSessionUrl = await sso.oidc.endSessionUrl(session.idToken ?? undefined);
        } catch (error) {
          request.log.warn(
            { reason: (error as Error).message },
            'single sign-on: cannot build the end-session URL; logged out of Sluice only',
          );
        }
      }
      clearCookie(reply, SESSION_COOKIE, '/', secure(request));
      reply.header('cache-control', 'no-store');
      const next = endSessionUrl ?? sso.config.login.postLogoutRedirectUri;
      // A browser navigation (form post) follows the IdP's logout; a script gets JSON.
      if (next && wantsHtml(request)) return reply.redirect(next, 303);
      return reply.send({ logged_out: found?.status === 'valid', ...(endSessionUrl ? { end_session_url: endSessionUrl } : {}) });
    },
  );
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

function stringClaim(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
}
