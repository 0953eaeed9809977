/**
 * Console sessions in core's database (table console_sessions, see db/schema/console-sessions.ts). A session
 * ends at its absolute lifetime, after the idle timeout, at sign-out, or when its API key stops being valid.
 * The count is bounded: at most MAX_SESSIONS_PER_KEY per key and MAX_SESSIONS in all (the least recently
 * used go first).
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, count, eq, lt, or, sql } from 'drizzle-orm';
import type { SluiceDatabase } from '../db/client.js';
import { consoleSessions, type ConsoleSessionRow } from '../db/schema/console-sessions.js';

export const MAX_SESSIONS_PER_KEY = 20;
export const MAX_SESSIONS = 10_000;

export type SessionLookup =
  | { status: 'valid'; session: ConsoleSessionRow }
  | { status: 'unknown' }
  | { status: 'expired'; session: ConsoleSessionRow; reason: string };

export interface ConsoleSessionStore {
  /** Opens a session for an API key; the token is the cookie value and is not stored. */
  create(keyId: string): { token: string; session: ConsoleSessionRow };
  /** The session of a token, its idle timer refreshed; an expired one is deleted on sight. */
  find(token: string): SessionLookup;
  /** When the session ends if nothing else happens: the earlier of its lifetime and its idle timeout. */
  endsAt(session: ConsoleSessionRow): number;
  delete(id: string): boolean;
  /** Ends every session of a key (revoked or expired). */
  deleteForKey(keyId: string): number;
  /** Deletes expired sessions; returns how many went. */
  purgeExpired(): number;
  count(): number;
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createConsoleSessionStore(deps: {
  database: SluiceDatabase;
  ttlMs: number;
  idleMs: number;
  now?: () => number;
}): ConsoleSessionStore {
  const { orm } = deps.database;
  const now = deps.now ?? Date.now;
  // Writing last_seen_at on every request would turn reads into writes; a fraction of the idle timeout is precise enough.
  const touchEveryMs = Math.min(60_000, Math.floor(deps.idleMs / 4));
  const byTokenHash = orm
    .select()
    .from(consoleSessions)
    .where(eq(consoleSessions.tokenHash, sql.placeholder('hash')))
    .prepare();

  function deleteLeastRecentlyUsed(where?: ReturnType<typeof eq>): void {
    const oldest = orm
      .select({ id: consoleSessions.id })
      .from(consoleSessions)
      .where(where)
      .orderBy(asc(consoleSessions.lastSeenAt))
      .limit(1)
      .get();
    if (oldest) orm.delete(consoleSessions).where(eq(consoleSessions.id, oldest.id)).run();
  }

  function countWhere(where?: ReturnType<typeof eq>): number {
    return orm.select({ n: count() }).from(consoleSessions).where(where).get()?.n ?? 0;
  }

  function purgeExpired(): number {
    const at = now();
    return orm
      .delete(consoleSessions)
      .where(or(lt(consoleSessions.expiresAt, at + 1), lt(consoleSessions.lastSeenAt, at - deps.idleMs + 1)))
      .run().changes;
  }

  return {
    create(keyId) {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const row: ConsoleSessionRow = {
        id: randomBytes(8).toString('hex'),
        tokenHash: hashSessionToken(token),
        keyId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: at + deps.ttlMs,
      };
      const insert = deps.database.sqlite.transaction(() => {
        while (countWhere(eq(consoleSessions.keyId, keyId)) >= MAX_SESSIONS_PER_KEY)
          deleteLeastRecentlyUsed(eq(consoleSessions.keyId, keyId));
        if (countWhere() >= MAX_SESSIONS) {
          purgeExpired();
          while (countWhere() >= MAX_SESSIONS) deleteLeastRecentlyUsed();
        }
        orm.insert(consoleSessions).values(row).run();
      });
      insert.immediate();
      return { token, session: row };
    },

    find(token) {
      const session = byTokenHash.get({ hash: hashSessionToken(token) });
      if (!session) return { status: 'unknown' };
      const at = now();
      const reason =
        at >= session.expiresAt
          ? 'the console session reached its maximum lifetime; sign in again'
          : at >= session.lastSeenAt + deps.idleMs
            ? 'the console session was idle for too long; sign in again'
            : undefined;
      if (reason) {
        orm.delete(consoleSessions).where(eq(consoleSessions.id, session.id)).run();
        return { status: 'expired', session, reason };
      }
      if (at - session.lastSeenAt >= touchEveryMs) {
        orm
          .update(consoleSessions)
          .set({ lastSeenAt: at })
          .where(and(eq(consoleSessions.id, session.id), lt(consoleSessions.lastSeenAt, at)))
          .run();
        session.lastSeenAt = at;
      }
      return { status: 'valid', session };
    },

    endsAt(session) {
      return Math.min(session.expiresAt, session.lastSeenAt + deps.idleMs);
    },

    delete(id) {
      return orm.delete(consoleSessions).where(eq(consoleSessions.id, id)).run().changes > 0;
    },

    deleteForKey(keyId) {
      return orm.delete(consoleSessions).where(eq(consoleSessions.keyId, keyId)).run().changes;
    },

    purgeExpired,

    count: () => countWhere(),
  };
}
