/**
 * Scopes an API key (or any principal) can hold. `admin` implies every other scope.
 * - infer: run inference (and read the metadata/readiness of the models it may use)
 * - models:read: model metadata, readiness, the repository index
 * - models:write: load, unload, aliases, traffic splits
 * - metrics:read: GET /metrics when metrics authentication is on
 * - admin: manage API keys and everything else
 */
export const SCOPES = ['infer', 'models:read', 'models:write', 'metrics:read', 'admin'] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** True when a principal holding `held` may use a route that accepts any of `accepted`. */
export function grants(held: readonly string[], accepted: readonly Scope[]): boolean {
  return held.includes('admin') || accepted.some((scope) => held.includes(scope));
}
