/**
 * What a Sluice license says. The JWT is signed with EdDSA (Ed25519); standard claims carry identity and time
 * (iss, aud, jti, sub, iat, nbf, exp), private claims carry the commercial terms.
 */
export const LICENSE_ISSUER = 'https://license.sluice.dev';
export const LICENSE_AUDIENCE = 'sluice-enterprise';
export const LICENSE_ALGORITHMS = ['EdDSA'];

/** The enterprise features a license can unlock, with what they do (shown to users without a license too). */
export const FEATURES = {
  audit:
    'tamper-evident, hash-chained audit log of admin actions, auth failures and license changes; query, export, retention, SIEM forwarding',
  metering: 'usage per key, model and version in minute/hour/day buckets; per-key request/token quotas; billing export',
  sso: 'OpenID Connect sign-in and IdP-issued JWT bearer tokens (separate module)',
} as const;

export type Feature = keyof typeof FEATURES;

export interface LicenseClaims {
  /** jti */
  licenseId: string;
  /** The customer (`licensee`, falling back to `sub`). */
  licensee: string;
  entitlements: string[];
  /** e.g. { seats: 50 }; informational for now. */
  limits: Record<string, number>;
  issuedAt: Date;
  notBefore: Date;
  expiresAt: Date;
  /** Days after expiry during which features keep working (claim `grace_days`, else the plugin default). */
  graceDays?: number;
}

/** The last second of year 9999 (Unix seconds): the latest time a license claim may name. */
const LATEST_CLAIM_TIME = 253_402_300_799;

/** Checks the private claims' shape after jose verified the signature and standard claims; throws the reason. */
export function parseClaims(payload: Record<string, unknown>): LicenseClaims {
  const { jti, sub, licensee, entitlements, limits, iat, nbf, exp, grace_days: graceDays } = payload;
  if (typeof jti !== 'string' || jti === '') throw new Error('the license has no license id ("jti")');
  const name = typeof licensee === 'string' && licensee !== '' ? licensee : sub;
  if (typeof name !== 'string' || name === '') throw new Error('the license names no licensee');
  if (!Array.isArray(entitlements) || !entitlements.every((e) => typeof e === 'string'))
    throw new Error('"entitlements" must be an array of strings');
  if (
    limits !== undefined &&
    (typeof limits !== 'object' || limits === null || !Object.values(limits).every((v) => typeof v === 'number'))
  ) {
    throw new Error('"limits" must be an object of numbers');
  }
  if (typeof iat !== 'number' || typeof nbf !== 'number' || typeof exp !== 'number')
    throw new Error('the license needs "iat", "nbf" and "exp"');
  for (const [name, value] of [
    ['iat', iat],
    ['nbf', nbf],
    ['exp', exp],
  ] as const) {
    // Every date is shown, stored and compared later: one that no Date can hold (1e300) is refused here.
    if (!Number.isFinite(value) || value < 0 || value > LATEST_CLAIM_TIME)
      throw new Error(`the license's "${name}" claim is not a time between 1970 and 9999`);
  }
  if (graceDays !== undefined && (typeof graceDays !== 'number' || graceDays < 0 || graceDays > 365))
    throw new Error('"grace_days" must be a number of days between 0 and 365');
  return {
    licenseId: jti,
    licensee: name,
    entitlements: [...new Set(entitlements as string[])],
    limits: (limits ?? {}) as Record<string, number>,
    issuedAt: new Date(iat * 1000),
    notBefore: new Date(nbf * 1000),
    expiresAt: new Date(exp * 1000),
    ...(graceDays !== undefined ? { graceDays: graceDays as number } : {}),
  };
}
