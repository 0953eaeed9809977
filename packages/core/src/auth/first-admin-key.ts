/**
 * First start: when the database has never held an API key, `sluice serve` creates one admin key and prints its
 * token once on stderr (not through the JSON logs). Afterwards nothing is printed; further keys come from
 * `sluice keys create` or POST /admin/keys. Lost it before creating another? `sluice keys create --admin`
 * against the data directory always works for whoever can write that directory.
 */
import type { ApiKeyInfo, ApiKeyService } from './api-key-service.js';

export const FIRST_ADMIN_KEY_NAME = 'first-admin';

export function createFirstAdminKeyIfNone(apiKeys: ApiKeyService): { key: ApiKeyInfo; token: string } | undefined {
  if (apiKeys.count() > 0) return undefined;
  return apiKeys.create({ name: FIRST_ADMIN_KEY_NAME, scopes: ['admin'] });
}

export function firstAdminKeyBanner(created: { key: ApiKeyInfo; token: string }, dataDir: string): string {
  return [
    '',
    'sluice: no API key existed, so an admin key was created. It is shown only this once: store it now.',
    '',
    `    ${created.token}`,
    '',
    `  (key id ${created.key.id}, data directory ${dataDir}; send it as "Authorization: Bearer <key>".`,
    '   Create more keys with `sluice keys create --name NAME --scopes infer` or POST /admin/keys.)',
    '',
  ].join('\n');
}
