/**
 * API keys. A token looks like `sk_sluice_<id>_<secret>`; only the public id (the token's prefix) and the
 * SHA-256 of the secret are stored, so the database never holds a usable credential.
 *
 * Rules:
 * - `id` is the public prefix: 12 lowercase hex characters, shown in listings, logs and audit events.
 * - `secret_hash` is the hex SHA-256 of the secret part; compared in constant time, never returned by any API.
 * - `scopes` is a JSON array of scope names (infer, models:read, models:write, metrics:read, admin).
 * - `models` is a JSON array of model names the key may use, or NULL for every model.
 * - Times are Unix milliseconds. A key is usable while `revoked_at` is NULL and `expires_at` is NULL or later
 *   than now. Rows are never deleted: revocation is a timestamp, so audit trails keep resolving key ids.
 * - `rate_limit_max` / `rate_limit_window_ms` override the server's default limit for this key (both or neither).
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    models: text('models', { mode: 'json' }).$type<string[] | null>(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    rateLimitMax: integer('rate_limit_max'),
    rateLimitWindowMs: integer('rate_limit_window_ms'),
    lastUsedAt: integer('last_used_at'),
  },
  (table) => [index('api_keys_created_at_idx').on(table.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
