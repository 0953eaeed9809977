/**
 * License states over time, computed from verified claims and the clock:
 *
 *   nbf ........ exp - expiringSoonDays ........ exp ........ exp + graceDays ........
 *   |  valid    |  expiring-soon (warnings)      | expired-grace (warnings) | expired (features off)
 *
 * plus `none` (no license) and `invalid` (refused, with a reason). Enterprise features are on in valid,
 * expiring-soon and expired-grace. Inference and core features never depend on any of this.
 */
import type { LicenseClaims } from './claims.js';

export const LICENSE_STATES = ['none', 'valid', 'expiring-soon', 'expired-grace', 'expired', 'invalid'] as const;
export type LicenseState = (typeof LICENSE_STATES)[number];

export interface LicensePolicy {
  /** Days before expiry when warnings start (default 30). */
  expiringSoonDays: number;
  /** Grace days after expiry when the license does not set `grace_days` (default 14). */
  graceDays: number;
}

export const DEFAULT_LICENSE_POLICY: LicensePolicy = { expiringSoonDays: 30, graceDays: 14 };

const DAY_MS = 86_400_000;

export function graceEndsAt(claims: LicenseClaims, policy: LicensePolicy): Date {
  return new Date(claims.expiresAt.getTime() + (claims.graceDays ?? policy.graceDays) * DAY_MS);
}

export function stateOf(claims: LicenseClaims, now: Date, policy: LicensePolicy): LicenseState {
  const t = now.getTime();
  const exp = claims.expiresAt.getTime();
  if (t >= graceEndsAt(claims, policy).getTime()) return 'expired';
  if (t >= exp) return 'expired-grace';
  if (t >= exp - policy.expiringSoonDays * DAY_MS) return 'expiring-soon';
  return 'valid';
}

export function unlocksFeatures(state: LicenseState): boolean {
  return state === 'valid' || state === 'expiring-soon' || state === 'expired-grace';
}

/** Better states first: a start-up with several candidate licenses keeps the best one. */
export function stateRank(state: LicenseState): number {
  return ['valid', 'expiring-soon', 'expired-grace', 'expired', 'invalid', 'none'].indexOf(state);
}
