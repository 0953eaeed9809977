/**
 * Console sign-in: an API key exchanged for a session cookie, who the caller is, and sign-out.
 * - POST   /auth/session  (public, same-origin only) `{ "apiKey": "sk_sluice_..." }` → 200 ConsoleSession and
 *                         `Set-Cookie: sluice_session=...`; a bad key is a 401 counted by the failed-auth limiter
 *                         and audited like any refused credential.
 * - GET    /auth/session  (any authenticated caller: the cookie, a bearer key, an SSO session...) → ConsoleSession.
 * - DELETE /auth/session  (public, same-origin when it carries the cookie) → 204; deletes the session, clears the cookie.
 * Opening and ending a session are audited (`session.create`, `session.delete`). Tokens are never logged.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { emitAudit } from '../auth/audit.js';
import { isSameOrigin } from '../auth/auth-plugin.js';
import { principalOfKey } from '../auth/api-key-strategy.js';
import { SluiceError } from '../errors.js';
import type { ConsoleSession, Principal } from '../extensions.js';
import { SERVER_VERSION } from '../version.js';
import { errorResponseSchema } from '../api/error-handler.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './cookies.js';
import { consoleSessionOf } from './session-strategy.js';
import type { ConsoleSessionStore } from './session-store.js';

const KEY_REASONS = {
  malformed: 'the API key is malformed',
  unknown: 'the API key is not valid',
  revoked: 'the API key has been revoked',
  expired: 'the API key has expired',
} as const;

export const consoleSessionSchema = {
  type: 'object',
  description: 'The signed-in principal as the console sees it',
  properties: {
    kind: { type: 'string', description: "'api-key', or another strategy's kind (e.g. 'oidc')" },
    id: { type: 'string', description: 'The API key id, or the subject' },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    models: { type: 'array', items: { type: 'string' }, description: 'The model allow-list; absent: every model' },
    role: { type: 'string', description: 'A role name, when the strategy has roles (SSO)' },
    expiresAt: {
      type: 'string',
      format: 'date-time',
      description:
        'When this console session ends unless used again (the earlier of its idle timeout and its lifetime); absent for other credentials',
    },
    plan: { type: 'string', description: "The server's plan, e.g. 'community'" },
    version: { type: 'string', description: "The server's version" },
  },
  required: ['kind', 'id', 'scopes', 'plan', 'version'],
  example: {
    kind: 'api-key',
    id: '3f9c0a1b2c4d',
    name: 'ops',
    scopes: ['admin'],
    expiresAt: '2026-12-01T13:00:00.000Z',
    plan: 'community',
    version: SERVER_VERSION,
  },
} as const;

interface SessionBody {
  apiKey: string;
}

export function describeSession(principal: Principal, plan: string, endsAt?: number): ConsoleSession {
  return {
    kind: principal.kind,
    id: principal.id,
    ...(principal.name !== undefined ? { name: principal.name } : {}),
    scopes: principal.scopes,
    ...(principal.models ? { models: principal.models } : {}),
    ...(principal.role !== undefined ? { role: principal.role } : {}),
    ...(endsAt !== undefined && Number.isFinite(endsAt) ? { expiresAt: new Date(endsAt).toISOString() } : {}),
    plan,
    version: SERVER_VERSION,
  };
}

function crossSite(request: FastifyRequest, what: string): never {
  return request.server.sluiceRefuse(
    request,
    'auth.denied',
    new SluiceError(
      'SLUICE_ERR_FORBIDDEN',
      `${what} must come from the console's own origin (a cross-site request cannot use session credentials)`,
    ),
  );
}

export async function consoleSessionRoutes(app: FastifyInstance, options: { sessions: ConsoleSessionStore }): Promise<void> {
  const { sessions } = options;
  const { apiKeys, extensions, config } = app.sluice;

  app.post(
    '/auth/session',
    {
      schema: {
        tags: ['console'],
        summary: 'Sign in to the console with an API key: sets the HttpOnly session cookie (same-origin requests only)',
        body: {
          type: 'object',
          required: ['apiKey'],
          additionalProperties: false,
          properties: { apiKey: { type: 'string', maxLength: 512, description: 'An API key, sk_sluice_...' } },
        },
        response: {
          200: {
            ...consoleSessionSchema,
            description: 'Signed in; `Set-Cookie: sluice_session=<token>; Path=/; Max-Age=...; HttpOnly; SameSite=Strict[; Secure]`',
          },
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
          429: errorResponseSchema,
        },
      },
    },
    async (request: FastifyRequest<{ Body: SessionBody }>, reply: FastifyReply) => {
      if (!isSameOrigin(request)) crossSite(request, 'signing in');
      const verified = apiKeys.verify(request.body.apiKey);
      if (!verified.ok) {
        request.server.sluiceRefuse(
          request,
          'auth.failure',
          new SluiceError('SLUICE_ERR_UNAUTHENTICATED', KEY_REASONS[verified.reason]),
          verified.id ? { kind: 'api-key', id: verified.id } : undefined,
        );
      }
      const principal = principalOfKey(verified.key);
      request.principal = principal; // the actor of the audit event
      const { token, session } = sessions.create(verified.key.id);
      try {
        emitAudit(
          request,
          { action: 'session.create', outcome: 'success', resource: { type: 'console-session', id: session.id } },
          'signing in was refused: the audit log cannot record it right now',
        );
      } catch (error) {
        sessions.delete(session.id); // audit fails closed: no session that is not on record
        throw error;
      }
      const endsAt = Math.min(sessions.endsAt(session), verified.key.expiresAt ? Date.parse(verified.key.expiresAt) : Infinity);
      setSessionCookie(reply, request, token, config.consoleSessionTtlMs);
      return reply.header('cache-control', 'no-store').send(describeSession(principal, extensions.entitlements.plan(), endsAt));
    },
  );

  app.get(
    '/auth/session',
    {
      schema: {
        tags: ['console'],
        summary: 'Who the caller is (console session cookie, API key or another strategy), for the console',
        response: { 200: consoleSessionSchema },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      return reply
        .header('cache-control', 'no-store')
        .send(describeSession(principal, extensions.entitlements.plan(), consoleSessionOf(request)?.endsAt));
    },
  );

  app.delete(
    '/auth/session',
    {
      schema: {
        tags: ['console'],
        summary: 'Sign out of the console: ends the session of the cookie and clears it (204 even without one)',
        response: { 204: { type: 'null', description: 'Signed out; `Set-Cookie: sluice_session=; Max-Age=0`' }, 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const token = readSessionCookie(request);
      if (token !== undefined) {
        if (!isSameOrigin(request)) crossSite(request, 'signing out');
        const found = sessions.find(token);
        if (found.status !== 'unknown') {
          const { session } = found;
          const key = apiKeys.get(session.keyId);
          if (key) request.principal = principalOfKey(key);
          sessions.delete(session.id);
          emitAudit(request, {
            action: 'session.delete',
            outcome: 'success',
            resource: { type: 'console-session', id: session.id },
            ...(found.status === 'expired' ? { reason: found.reason } : {}),
          });
        }
      }
      clearSessionCookie(reply, request);
      return reply.header('cache-control', 'no-store').code(204).send();
    },
  );
}
