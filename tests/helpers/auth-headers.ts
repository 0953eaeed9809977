/**
 * Headers that authenticate a test's requests: the test server's own `auth` when it provides one; otherwise,
 * on a server that already enforces API keys, a key created through its key service. Cached per server.
 */
import type { TestServer } from './test-server.js';

type KeyService = { create(input: { name: string; scopes: string[] }): { token: string } };
const cache = new WeakMap<object, Record<string, string>>();

export function authHeaders(server: TestServer & { auth?: Record<string, string> }): Record<string, string> {
  if (server.auth) return server.auth;
  const cached = cache.get(server);
  if (cached) return cached;
  const apiKeys = (server.app.sluice as unknown as { apiKeys?: KeyService }).apiKeys;
  const headers = apiKeys ? { authorization: `Bearer ${apiKeys.create({ name: 'test', scopes: ['admin'] }).token}` } : {};
  cache.set(server, headers);
  return headers;
}
