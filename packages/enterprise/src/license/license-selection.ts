/**
 * Which signed license is in force: every source (installed, environment, file) is verified, and the best one
 * wins (a state that unlocks features first, then the latest expiry). The others' refusals are kept as problems.
 * Used by the license service and, offline, by `sluice license status|trial`.
 */
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import type { LicenseClaims } from './claims.js';
import { stateOf, stateRank, type LicensePolicy } from './license-state.js';
import { readLicenseCandidates, type LicenseCandidate, type LicenseSource, type LicenseSourceSettings } from './license-sources.js';
import type { TrustedKey } from './trusted-keys.js';
import { verifyLicense } from './verify-license.js';

export interface LicenseSelection {
  source?: LicenseSource;
  claims?: LicenseClaims;
  /** Why the license was refused (state invalid). */
  reason?: string;
  /** Set when the only problem is "not valid yet": re-verified once that time has come. */
  notBefore?: Date;
  candidate?: LicenseCandidate;
}

export async function evaluateCandidate(candidate: LicenseCandidate, keys: readonly TrustedKey[], now: Date): Promise<LicenseSelection> {
  const verification = await verifyLicense(candidate.token, keys, now);
  if (verification.ok) return { source: candidate.source, claims: verification.claims, candidate };
  return {
    source: candidate.source,
    reason: verification.reason,
    candidate,
    ...(verification.notBefore ? { notBefore: verification.notBefore } : {}),
  };
}

export async function selectLicense(deps: {
  orm: EnterpriseOrm;
  sources: LicenseSourceSettings;
  keys: readonly TrustedKey[];
  now: Date;
  policy: LicensePolicy;
}): Promise<{ selection: LicenseSelection; problems: Map<LicenseSource, string> }> {
  const { now, policy } = deps;
  const evaluated = await Promise.all(
    readLicenseCandidates(deps.orm, deps.sources).map((candidate) => evaluateCandidate(candidate, deps.keys, now)),
  );
  const problems = new Map<LicenseSource, string>();
  if (evaluated.length === 0) return { selection: {}, problems };
  const rank = (c: LicenseSelection): [number, number] => [
    stateRank(c.claims ? stateOf(c.claims, now, policy) : 'invalid'),
    -(c.claims?.expiresAt.getTime() ?? 0),
  ];
  evaluated.sort((a, b) => {
    const [ra, ea] = rank(a);
    const [rb, eb] = rank(b);
    return ra - rb || ea - eb;
  });
  for (const other of evaluated.slice(1)) if (other.reason) problems.set(other.source!, other.reason);
  return { selection: evaluated[0]!, problems };
}
