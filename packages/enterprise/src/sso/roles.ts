/**
 * Sluice roles and how identity-provider claims map onto them. Each role carries fixed scopes (the API-key
 * scopes); a subject matching several rules gets the most privileged role. Evaluated at every login (people)
 * and for every token (machines), so a change of group membership at the IdP takes effect at the next login.
 */
import type { Scope } from '@sluice/core';

/** Least to most privileged. */
export const ROLES = ['viewer', 'user', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = Object.freeze({
  admin: ['admin'],
  operator: ['models:read', 'models:write', 'infer', 'metrics:read'],
  user: ['infer', 'models:read'],
  viewer: ['models:read'],
});

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** One rule: a claim value (e.g. a group name), or '*' for every authenticated subject, and the role it grants. */
export interface RoleRule {
  match: string;
  role: Role;
}

/**
 * Parses `sluice-admins=admin,ml-ops=operator,*=viewer`. Throws an Error whose message says what is wrong; the
 * caller names the configuration key.
 */
export function parseRoleMap(text: string): RoleRule[] {
  const rules: RoleRule[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf('=');
    if (at <= 0 || at === entry.length - 1) throw new Error(`"${entry}" is not "<claim value>=<role>"`);
    const match = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (!isRole(role)) throw new Error(`"${role}" in "${entry}" is not a role (one of ${ROLES.join(', ')})`);
    rules.push({ match, role });
  }
  if (rules.length === 0) throw new Error('no rule given; e.g. "sluice-admins=admin,ml-ops=operator,*=viewer"');
  return rules;
}

/**
 * Reads a claim by name, or by a dotted path into nested objects (`realm_access.roles`). A claim whose own name
 * contains dots (Auth0-style `https://example.com/groups`) is found by its full name first.
 */
export function readClaim(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The claim's values as strings: a string, a number or boolean, or an array of those (other shapes give none). */
export function claimValues(value: unknown): string[] {
  const one = (item: unknown) => (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? [String(item)] : []);
  return Array.isArray(value) ? value.flatMap(one) : one(value);
}

export interface RoleDecision {
  /** The most privileged role granted, or undefined when no rule matched. */
  role: Role | undefined;
  scopes: readonly Scope[];
  /** The claim values that were considered (for the log and /auth/sso/me); never secrets. */
  values: string[];
}

export function decideRole(claims: Record<string, unknown>, claimPath: string, rules: readonly RoleRule[]): RoleDecision {
  const values = claimValues(readClaim(claims, claimPath));
  let best = -1;
  for (const rule of rules) {
    if (rule.match === '*' || values.includes(rule.match)) best = Math.max(best, ROLES.indexOf(rule.role));
  }
  const role = best >= 0 ? ROLES[best] : undefined;
  return { role, scopes: role ? ROLE_SCOPES[role] : [], values };
}
