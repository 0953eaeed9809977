/**
 * API key tokens: `sk_sluice_<id>_<secret>`. The id is 12 hex characters (6 random bytes), public, and is the
 * key's primary key; the secret is 32 random bytes in base64url (256 bits). Only SHA-256(secret) is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'sk_sluice_';
const ID_LENGTH = 12;
const TOKEN_PATTERN = /^sk_sluice_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function newKeyId(): string {
  return randomBytes(ID_LENGTH / 2).toString('hex');
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function formatToken(id: string, secret: string): string {
  return `${TOKEN_PREFIX}${id}_${secret}`;
}

/** True when the string looks like one of our tokens (so the API key strategy, not another, answers for it). */
export function isApiKeyToken(token: string): boolean {
  return token.startsWith(TOKEN_PREFIX);
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a secret against a stored hex SHA-256. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
