/**
 * Server-side SSO sessions and pending login attempts (tables in schema.ts). Tokens are random 256-bit values; only
 * their SHA-256 is stored. A session ends at its absolute lifetime, after the idle timeout, or at logout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, count, eq, lt } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { SluiceDatabase } from '@sluice/core';
import { ssoLoginAttempts, ssoSessions, type SsoLoginAttemptRow, type SsoSessionRow } from './schema.js';

export const SESSION_TOKEN_PREFIX = 'sso_';
/** A pending login lives this long: enough to type a password and pass a second factor at the IdP. */
export const LOGIN_ATTEMPT_TTL_MS = 10 * 60_000;
/** Public login routes are not rate limited by core (no principal yet): this bounds the pending-login table. */
export const MAX_PENDING_LOGINS = 10_000;

export interface NewSession {
  subject: string;
  name?: string;
  email?: string;
  role: string;
  scopes: readonly string[];
  /** The role claim's values at login (informational; bounded before storing). */
  groups?: readonly string[];
  idToken?: string;
}

export type SessionLookup =
  { status: 'valid'; session: SsoSessionRow } | { status: 'unknown' } | { status: 'expired'; session: SsoSessionRow; reason: string };

export interface SsoSessionStore {
  /** Records a login attempt; `binding` is the browser's login-binding cookie value. */
  startLogin(attempt: { state: string; binding: string; codeVerifier: string; nonce: string; returnTo: string }): void;
  /** How many logins are pending (started, not completed, not expired once purged). */
  pendingLogins(): number;
  /** Takes (deletes) the attempt for this state; undefined when unknown, used or expired. */
  consumeLogin(state: string): SsoLoginAttemptRow | undefined;
  /** True when `binding` is the cookie value the attempt was started with. */
  bindingMatches(attempt: SsoLoginAttemptRow, binding: string | undefined): boolean;
  createSession(session: NewSession): { token: string; session: SsoSessionRow };
  /** Finds the session of a token, refreshing its idle timer; expired sessions are deleted on sight. */
  findSession(token: string): SessionLookup;
  deleteSession(id: string): boolean;
  /** Deletes expired sessions and login attempts; returns how many rows went. */
  purgeExpired(): number;
}

/** Bounds on the role-claim values a session keeps for display: an IdP may send thousands of groups. */
const MAX_STORED_GROUPS = 100;
const MAX_GROUP_LENGTH = 200;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createSsoSessionStore(deps: {
  database: SluiceDatabase;
  ttlMs: number;
  idleMs: number;
  now?: () => number;
}): SsoSessionStore {
  const db = drizzle(deps.database.sqlite);
  const now = deps.now ?? Date.now;
  // Writing last_seen_at on every request would turn reads into writes; a fraction of the idle timeout is precise enough.
  const touchEveryMs = Math.min(60_000, Math.floor(deps.idleMs / 4));

  return {
    startLogin({ state, binding, codeVerifier, nonce, returnTo }) {
      const at = now();
      db.insert(ssoLoginAttempts)
        .values({
          stateHash: hashToken(state),
          bindingHash: hashToken(binding),
          codeVerifier,
          nonce,
          returnTo,
          createdAt: at,
          expiresAt: at + LOGIN_ATTEMPT_TTL_MS,
        })
        .run();
    },

    pendingLogins() {
      return db.select({ pending: count() }).from(ssoLoginAttempts).get()?.pending ?? 0;
    },

    consumeLogin(state) {
      const row = db
        .delete(ssoLoginAttempts)
        .where(eq(ssoLoginAttempts.stateHash, hashToken(state)))
        .returning()
        .get();
      if (!row || row.expiresAt <= now()) return undefined;
      return row;
    },

    bindingMatches(attempt, binding) {
      return binding !== undefined && hashToken(binding) === attempt.bindingHash;
    },

    createSession(session) {
      const token = SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
      const at = now();
      const row: SsoSessionRow = {
        id: randomBytes(8).toString('hex'),
        tokenHash: hashToken(token),
        subject: session.subject,
        name: session.name ?? null,
        email: session.email ?? null,
        role: session.role,
        scopes: [...session.scopes],
        groups: session.groups ? session.groups.slice(0, MAX_STORED_GROUPS).map((group) => group.slice(0, MAX_GROUP_LENGTH)) : null,
        idToken: session.idToken ?? null,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: at + deps.ttlMs,
      };
      db.insert(ssoSessions).values(row).run();
      return { token, session: row };
    },

    findSession(token) {
      if (!token.startsWith(SESSION_TOKEN_PREFIX)) return { status: 'unknown' };
      const session = db
        .select()
        .from(ssoSessions)
        .where(eq(ssoSessions.tokenHash, hashToken(token)))
        .get();
      if (!session) return { status: 'unknown' };
      const at = now();
      const reason =
        at >= session.expiresAt
          ? 'the SSO session reached its maximum lifetime; log in again'
          : at >= session.lastSeenAt + deps.idleMs
            ? 'the SSO session was idle for too long; log in again'
            : undefined;
      if (reason) {
        db.delete(ssoSessions).where(eq(ssoSessions.id, session.id)).run();
        return { status: 'expired', session, reason };
      }
      if (at - session.lastSeenAt >= touchEveryMs) {
        db.update(ssoSessions)
          .set({ lastSeenAt: at })
          .where(and(eq(ssoSessions.id, session.id), lt(ssoSessions.lastSeenAt, at)))
          .run();
        session.lastSeenAt = at;
      }
      return { status: 'valid', session };
    },

    deleteSession(id) {
      return db.delete(ssoSessions).where(eq(ssoSessions.id, id)).run().changes > 0;
    },

    purgeExpired() {
      const at = now();
      const sessions = db.delete(ssoSessions).where(lt(ssoSessions.expiresAt, at)).run().changes;
      const idle = db
        .delete(ssoSessions)
        .where(lt(ssoSessions.lastSeenAt, at - deps.idleMs))
        .run().changes;
      const attempts = db.delete(ssoLoginAttempts).where(lt(ssoLoginAttempts.expiresAt, at)).run().changes;
      return sessions + idle + attempts;
    },
  };
}
