/**
 * The two auth strategies SSO registers with core (asked after core's API keys, so a break-glass API key keeps
 * working whatever happens at the IdP):
 * - `sso-session`: a browser session: the session cookie itself (fromRequest), or its value (`sso_...`) as a
 *   bearer token;
 * - `sso-jwt`: an IdP-issued JWT access token (machines), its role decided from its own claims on every call.
 * Each returns undefined for credentials that are not its kind, so the next strategy is asked. Without the `sso`
 * entitlement they authenticate no one. Every rejection is audited as `sso.token.rejected`.
 */
import type { AuthOutcome, AuthStrategy, Principal } from '@sluice/core';
import { emitAudit } from '@sluice/core';
import type { FastifyRequest } from 'fastify';
import type { SsoConfig } from './config.js';
import type { MachineTokenVerifier } from './machine-tokens.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { decideRole } from './roles.js';
import { SESSION_TOKEN_PREFIX, type SsoSessionStore } from './session-store.js';
import type { SsoSessionRow } from './schema.js';

export const SESSION_PRINCIPAL_KIND = 'oidc';
export const MACHINE_PRINCIPAL_KIND = 'jwt';

const NOT_ENTITLED = 'single sign-on credentials are not accepted: this server\'s plan does not include the "sso" entitlement';

export function principalOfSession(session: SsoSessionRow): Principal {
  const name = session.name ?? session.email ?? undefined;
  return {
    kind: SESSION_PRINCIPAL_KIND,
    id: session.subject,
    ...(name ? { name } : {}),
    role: session.role,
    scopes: session.scopes as Principal['scopes'],
  };
}

function rejected(request: FastifyRequest, kind: string, reason: string): AuthOutcome {
  emitAudit(request, { action: 'sso.token.rejected', outcome: 'failure', resource: { type: 'credential', id: kind }, reason });
  return { result: 'rejected', reason };
}

export function createSessionStrategy(deps: { sessions: SsoSessionStore; entitled: () => boolean }): AuthStrategy {
  function check(token: string, request: FastifyRequest): AuthOutcome {
    if (!deps.entitled()) return rejected(request, 'sso-session', NOT_ENTITLED);
    const found = deps.sessions.findSession(token);
    if (found.status === 'unknown') return rejected(request, 'sso-session', 'the SSO session is unknown or logged out; log in again');
    if (found.status === 'expired') return rejected(request, 'sso-session', found.reason);
    return { result: 'authenticated', principal: principalOfSession(found.session) };
  }
  return {
    name: 'sso-session',
    authenticate({ bearer }, request) {
      return bearer.startsWith(SESSION_TOKEN_PREFIX) ? check(bearer, request) : undefined;
    },
    // The browser's session cookie on API routes (core applies its same-origin rule to state changes).
    fromRequest(request) {
      const token = readCookie(request, SESSION_COOKIE);
      return token?.startsWith(SESSION_TOKEN_PREFIX) ? check(token, request) : undefined;
    },
  };
}

export function createMachineTokenStrategy(deps: {
  config: SsoConfig;
  verifier: MachineTokenVerifier;
  entitled: () => boolean;
}): AuthStrategy {
  const { config, verifier } = deps;
  return {
    name: 'sso-jwt',
    async authenticate({ bearer }, request) {
      if (!verifier.claims(bearer)) return undefined; // not a JWT from our IdP: another strategy may know it
      if (!deps.entitled()) return rejected(request, 'sso-jwt', NOT_ENTITLED);
      const result = await verifier.verify(bearer);
      if (!result.ok) return rejected(request, 'sso-jwt', result.reason);
      const { role, scopes } = decideRole(result.claims, config.roleClaim, config.roleRules);
      if (!role) return rejected(request, 'sso-jwt', `the token's "${config.roleClaim}" claim maps to no Sluice role`);
      const clientId = result.claims['client_id'] ?? result.claims['azp'];
      const name = typeof clientId === 'string' && clientId !== result.claims.sub ? clientId : undefined;
      return {
        result: 'authenticated',
        principal: { kind: MACHINE_PRINCIPAL_KIND, id: result.claims.sub, ...(name ? { name } : {}), role, scopes },
      };
    },
  };
}
