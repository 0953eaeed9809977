/** The built-in auth strategy: `Authorization: Bearer sk_sluice_...` checked against the api_keys table. */
import type { AuthStrategy, Principal } from '../extensions.js';
import type { ApiKeyInfo, ApiKeyService } from './api-key-service.js';
import { isApiKeyToken } from './api-key-token.js';

const REASONS = {
  malformed: 'the API key is malformed',
  unknown: 'the API key is not valid',
  revoked: 'the API key has been revoked',
  expired: 'the API key has expired',
} as const;

/** The principal of an API key (the bearer key itself, or a console session opened with it). */
export function principalOfKey(key: ApiKeyInfo): Principal {
  return {
    kind: 'api-key',
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    ...(key.models ? { models: key.models } : {}),
    ...(key.rateLimit ? { rateLimit: key.rateLimit } : {}),
  };
}

export function createApiKeyStrategy(apiKeys: ApiKeyService): AuthStrategy {
  return {
    name: 'api-key',
    authenticate({ bearer }) {
      if (!isApiKeyToken(bearer)) return undefined;
      const result = apiKeys.verify(bearer);
      if (!result.ok) return { result: 'rejected', reason: REASONS[result.reason], principalId: result.id };
      return { result: 'authenticated', principal: principalOfKey(result.key) };
    },
  };
}
