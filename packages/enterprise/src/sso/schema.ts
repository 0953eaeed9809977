/**
 * SSO storage: server-side sessions and pending login attempts, in core's database file with their own migration
 * folder (packages/enterprise/drizzle-sso) and bookkeeping table (sluice_enterprise_sso_migrations).
 * Regenerate the SQL after a change, from packages/enterprise:
 *   npx drizzle-kit generate --dialect sqlite --schema ./src/sso/schema.ts --out ./drizzle-sso --name <change>
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * One browser session per successful login.
 *
 * Rules:
 * - `id` is a public handle (16 hex characters) for logs and audit; `token_hash` is the hex SHA-256 of the session
 *   token (the cookie value, `sso_...`), so the database never holds a usable credential.
 * - `role` and `scopes` are decided from the IdP's claims at login and never change during the session; a new
 *   login re-evaluates them.
 * - `groups` holds the role claim's values at login (at most 100, each cut to 200 characters) so the person can see
 *   what their groups mapped to; it is informational and never authorizes anything (`role` and `scopes` do).
 * - `id_token` is kept only as the `id_token_hint` for RP-initiated logout; it is never accepted as a credential.
 * - Times are Unix milliseconds. A session is valid while now < `expires_at` (absolute lifetime) and
 *   now < `last_seen_at` + the idle timeout. Logout deletes the row; expired rows are purged.
 */
export const ssoSessions = sqliteTable(
  'sso_sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    subject: text('subject').notNull(),
    name: text('name'),
    email: text('email'),
    role: text('role').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    groups: text('groups', { mode: 'json' }).$type<string[]>(),
    idToken: text('id_token'),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [
    uniqueIndex('sso_sessions_token_hash_idx').on(table.tokenHash),
    index('sso_sessions_subject_idx').on(table.subject),
    index('sso_sessions_expires_at_idx').on(table.expiresAt),
  ],
);

/**
 * A login started at /auth/sso/login and not yet completed at /auth/sso/callback.
 *
 * Rules:
 * - `state_hash` is the hex SHA-256 of the `state` sent to the IdP; a callback consumes (deletes) the row, so a
 *   state works once.
 * - `binding_hash` is the hex SHA-256 of the login-binding cookie of the browser that started the login.
 * - `code_verifier` (PKCE) and `nonce` are secrets of this attempt only; they live at most 10 minutes.
 */
export const ssoLoginAttempts = sqliteTable(
  'sso_login_attempts',
  {
    stateHash: text('state_hash').primaryKey(),
    bindingHash: text('binding_hash').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    returnTo: text('return_to').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (table) => [index('sso_login_attempts_expires_at_idx').on(table.expiresAt)],
);

export type SsoSessionRow = typeof ssoSessions.$inferSelect;
export type SsoLoginAttemptRow = typeof ssoLoginAttempts.$inferSelect;
