/**
 * API keys: create (the token is returned once and never stored), list, revoke, and verify a presented token.
 * Used by the server (admin routes, the auth strategy) and by `sluice keys` against the same SQLite file, so a
 * key created or revoked from the CLI takes effect on a running server at its next request.
 */
import { asc, count, eq, sql } from 'drizzle-orm';
import type { SluiceDatabase } from '../db/client.js';
import { apiKeys, type ApiKeyRow } from '../db/schema/api-keys.js';
import { consoleSessions } from '../db/schema/console-sessions.js';
import { SluiceError } from '../errors.js';
import type { RateLimit } from '../extensions.js';
import { isValidModelName } from '../models/repository.js';
import { formatToken, hashSecret, newKeyId, newSecret, parseToken, secretMatches } from './api-key-token.js';
import { isScope, type Scope } from './scopes.js';

export interface NewApiKey {
  name: string;
  scopes: string[];
  /** Model allow-list; omit for every model. */
  models?: string[];
  /** Unix ms; omit for a key that never expires. */
  expiresAt?: number;
  rateLimit?: RateLimit;
}

/** A key as shown to admins: everything except the secret hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: Scope[];
  models: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rateLimit: RateLimit | null;
  status: 'active' | 'expired' | 'revoked';
}

export type VerifyResult =
  { ok: true; key: ApiKeyInfo } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' | 'expired'; id?: string };

export interface ApiKeyService {
  create(input: NewApiKey): { key: ApiKeyInfo; token: string };
  list(): ApiKeyInfo[];
  get(id: string): ApiKeyInfo | undefined;
  /** Revokes a key (idempotent) and ends its console sessions; throws SLUICE_ERR_KEY_NOT_FOUND for an unknown id. */
  revoke(id: string): ApiKeyInfo;
  verify(token: string): VerifyResult;
  /** Rows ever created, revoked ones included (first-start detection). */
  count(): number;
}

const NAME = /^[\p{L}\p{N} ._:@/-]{1,100}$/u;
/** last_used_at is refreshed at most this often per key, so verification stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** A stand-in hash so an unknown id costs the same as a wrong secret. */
const DUMMY_HASH = hashSecret('sluice-dummy-secret');

function badRequest(message: string): SluiceError {
  return new SluiceError('SLUICE_ERR_BAD_REQUEST', message);
}

export function validateNewKey(input: NewApiKey, now: number): void {
  if (typeof input.name !== 'string' || !NAME.test(input.name)) throw badRequest('name must be 1-100 letters, digits, spaces or ._:@/-');
  if (!Array.isArray(input.scopes) || input.scopes.length === 0) throw badRequest('a key needs at least one scope');
  for (const scope of input.scopes)
    if (!isScope(scope)) throw badRequest(`unknown scope "${scope}" (known: infer, models:read, models:write, metrics:read, admin)`);
  if (input.models !== undefined) {
    if (!Array.isArray(input.models) || input.models.length === 0)
      throw badRequest('models must list at least one model name (omit it for every model)');
    for (const model of input.models)
      if (typeof model !== 'string' || !isValidModelName(model)) throw badRequest(`"${model}" is not a valid model name`);
  }
  if (input.expiresAt !== undefined && (!Number.isFinite(input.expiresAt) || input.expiresAt <= now))
    throw badRequest('the expiry must be in the future');
  if (input.rateLimit !== undefined) {
    const { max, windowMs } = input.rateLimit;
    if (!Number.isInteger(max) || max < 1) throw badRequest('rateLimit.max must be a positive integer');
    if (!Number.isInteger(windowMs) || windowMs < 1000) throw badRequest('rateLimit.windowMs must be an integer of at least 1000');
  }
}

function toInfo(row: ApiKeyRow, now: number): ApiKeyInfo {
  const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
  const status = row.revokedAt !== null ? 'revoked' : row.expiresAt !== null && row.expiresAt <= now ? 'expired' : 'active';
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter(isScope),
    models: row.models ?? null,
    createdAt: iso(row.createdAt)!,
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    lastUsedAt: iso(row.lastUsedAt),
    rateLimit:
      row.rateLimitMax !== null && row.rateLimitWindowMs !== null ? { max: row.rateLimitMax, windowMs: row.rateLimitWindowMs } : null,
    status,
  };
}

export function createApiKeyService(deps: { database: SluiceDatabase; clock?: () => number }): ApiKeyService {
  const { orm } = deps.database;
  const now = deps.clock ?? (() => Date.now());
  const lastUsedWritten = new Map<string, number>();

  // Prepared once: verify() runs on every request, and building the query each time cost more than running it.
  const byId = orm
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.id, sql.placeholder('id')))
    .prepare();

  function row(id: string): ApiKeyRow | undefined {
    return byId.get({ id });
  }

  function touch(id: string, time: number): void {
    if ((lastUsedWritten.get(id) ?? 0) > time - LAST_USED_RESOLUTION_MS) return;
    lastUsedWritten.set(id, time);
    // Off the request path; losing a last-used stamp (e.g. at shutdown) is harmless.
    setImmediate(() => {
      try {
        if (deps.database.sqlite.open) orm.update(apiKeys).set({ lastUsedAt: time }).where(eq(apiKeys.id, id)).run();
      } catch {
        lastUsedWritten.delete(id);
      }
    });
  }

  return {
    create(input) {
      const time = now();
      validateNewKey(input, time);
      const secret = newSecret();
      for (let attempt = 0; ; attempt++) {
        const id = newKeyId();
        try {
          orm
            .insert(apiKeys)
            .values({
              id,
              name: input.name,
              secretHash: hashSecret(secret),
              scopes: [...new Set(input.scopes)],
              models: input.models ? [...new Set(input.models)] : null,
              createdAt: time,
              expiresAt: input.expiresAt ?? null,
              rateLimitMax: input.rateLimit?.max ?? null,
              rateLimitWindowMs: input.rateLimit?.windowMs ?? null,
            })
            .run();
          return { key: toInfo(row(id)!, time), token: formatToken(id, secret) };
        } catch (error) {
          // 48-bit ids collide rarely; try a fresh one.
          if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' || attempt >= 3) throw error;
        }
      }
    },
    list() {
      const time = now();
      return orm
        .select()
        .from(apiKeys)
        .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
        .all()
        .map((r) => toInfo(r, time));
    },
    get(id) {
      const found = row(id);
      return found ? toInfo(found, now()) : undefined;
    },
    revoke(id) {
      const found = row(id);
      if (!found) throw new SluiceError('SLUICE_ERR_KEY_NOT_FOUND', `no API key with id "${id}"`);
      deps.database.sqlite.transaction(() => {
        if (found.revokedAt === null) orm.update(apiKeys).set({ revokedAt: now() }).where(eq(apiKeys.id, id)).run();
        orm.delete(consoleSessions).where(eq(consoleSessions.keyId, id)).run();
      })();
      return toInfo(row(id)!, now());
    },
    verify(token) {
      const parsed = parseToken(token);
      if (!parsed) return { ok: false, reason: 'malformed' };
      const found = row(parsed.id);
      const matches = secretMatches(parsed.secret, found?.secretHash ?? DUMMY_HASH);
      if (!found || !matches) return { ok: false, reason: 'unknown', id: parsed.id };
      const time = now();
      const info = toInfo(found, time);
      if (info.status !== 'active') return { ok: false, reason: info.status, id: info.id };
      touch(info.id, time);
      return { ok: true, key: info };
    },
    count() {
      return orm.select({ n: count() }).from(apiKeys).get()?.n ?? 0;
    },
  };
}
