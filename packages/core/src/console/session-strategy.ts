/**
 * The `console-session` auth strategy (registered right after API keys): the browser's `sluice_session` cookie
 * becomes the principal of the API key the session was opened with. The key is checked again on every request,
 * so a revoked or expired key ends its sessions at once. Core's same-origin rule for ambient credentials
 * applies (fromRequest): a cross-site POST/PUT/PATCH/DELETE carrying the cookie is refused.
 */
import type { FastifyRequest } from 'fastify';
import type { ApiKeyService } from '../auth/api-key-service.js';
import { principalOfKey } from '../auth/api-key-strategy.js';
import type { AuthOutcome, AuthStrategy } from '../extensions.js';
import { hasSessionCookie, readSessionCookie } from './cookies.js';
import type { ConsoleSessionStore } from './session-store.js';

export const CONSOLE_SESSION_STRATEGY = 'console-session';

const ENDED = 'the console session has ended (signed out or expired); sign in again';

/** What a request's console session is, when it authenticated with one (GET /auth/session reports it). */
export interface RequestSession {
  id: string;
  /** When it ends if nothing else happens (Unix ms). */
  endsAt: number;
}

const sessionOfRequest = new WeakMap<FastifyRequest, RequestSession>();
/** Requests whose session cookie was refused: their 401 clears it, so the browser stops sending it. */
const refusedCookie = new WeakSet<FastifyRequest>();

export function consoleSessionOf(request: FastifyRequest): RequestSession | undefined {
  return sessionOfRequest.get(request);
}

export function hadRefusedSessionCookie(request: FastifyRequest): boolean {
  return refusedCookie.has(request);
}

export function createConsoleSessionStrategy(deps: { sessions: ConsoleSessionStore; apiKeys: ApiKeyService }): AuthStrategy {
  function rejected(request: FastifyRequest, reason: string, principalId?: string): AuthOutcome {
    refusedCookie.add(request);
    return { result: 'rejected', reason, ...(principalId ? { principalId } : {}) };
  }

  return {
    name: CONSOLE_SESSION_STRATEGY,
    // Session tokens are never bearer tokens: a leaked Authorization header log must not be a session.
    authenticate: () => undefined,
    fromRequest(request) {
      if (!hasSessionCookie(request)) return undefined;
      const token = readSessionCookie(request);
      if (!token) return rejected(request, ENDED);
      const found = deps.sessions.find(token);
      if (found.status === 'unknown') return rejected(request, ENDED);
      if (found.status === 'expired') return rejected(request, found.reason, found.session.keyId);
      const { session } = found;
      const key = deps.apiKeys.get(session.keyId);
      if (!key || key.status !== 'active') {
        deps.sessions.deleteForKey(session.keyId);
        return rejected(
          request,
          `the API key of this console session ${key?.status === 'expired' ? 'has expired' : 'has been revoked'}; sign in again`,
          session.keyId,
        );
      }
      const endsAt = Math.min(deps.sessions.endsAt(session), key.expiresAt ? Date.parse(key.expiresAt) : Infinity);
      sessionOfRequest.set(request, { id: session.id, endsAt });
      return { result: 'authenticated', principal: principalOfKey(key) };
    },
  };
}
