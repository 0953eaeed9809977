/** API key administration (admin scope): GET/POST /admin/keys, DELETE /admin/keys/:id. */
import { apiJson } from './api.js';

export interface ApiKey {
  id: string;
  name: string;
  scopes: string[];
  models: string[] | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  rateLimit: { max: number; windowMs: number } | null;
  status: 'active' | 'expired' | 'revoked';
}

export interface CreateKeyRequest {
  name: string;
  scopes: string[];
  models?: string[];
  expires?: string;
  rateLimit?: { max: number; windowMs: number };
}

export const listKeys = () => apiJson<{ keys: ApiKey[] }>('GET', '/admin/keys');
export const createKey = (body: CreateKeyRequest) => apiJson<{ key: ApiKey; token: string }>('POST', '/admin/keys', body);
export const revokeKey = (id: string) => apiJson<{ key: ApiKey }>('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
