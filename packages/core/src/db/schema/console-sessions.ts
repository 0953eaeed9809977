/**
 * Web console sessions: an API key exchanged for a browser cookie at POST /auth/session (see
 * src/console/session-store.ts). The cookie's value is a random 256-bit token; only its SHA-256 is stored, so
 * the database never holds a usable credential.
 *
 * Rules:
 * - `id` is a public handle (16 hex characters) for logs and audit events; `token_hash` is the hex SHA-256 of
 *   the cookie value.
 * - `key_id` is the API key the session acts as. The key is re-checked on every request: a revoked or expired
 *   key ends its sessions (revoking a key also deletes them).
 * - Times are Unix milliseconds. A session is valid while now < `expires_at` (absolute lifetime) and
 *   now < `last_seen_at` + the idle timeout. Sign-out deletes the row; expired rows are purged.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { apiKeys } from './api-keys.js';

export const consoleSessions = sqliteTable(
  'console_sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    keyId: text('key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [
    uniqueIndex('console_sessions_token_hash_idx').on(table.tokenHash),
    index('console_sessions_key_id_idx').on(table.keyId),
    index('console_sessions_last_seen_at_idx').on(table.lastSeenAt),
  ],
);

export type ConsoleSessionRow = typeof consoleSessions.$inferSelect;
