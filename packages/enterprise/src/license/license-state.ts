/**
 * License states over time, computed from verified claims and the clock:
 *
 *   nbf ........ exp - expiringSoonDays ........ exp ........ exp + graceDays ........
 *   |  valid    |  expiring-soon (warnings)      | expired-grace (warnings) | expired (features off)
 *
 * plus `none` (no license) and `invalid` (refused, with a reason). The self-serve trial has its own first state:
 *
 *   started ........ ends (started + 30 days) ........ ends + graceDays ........
 *   |  trial        | expired-grace                    | expired (features off)
 *
 * Enterprise features are on in valid, expiring-soon, trial and expired-grace. Inference and core features
 * never depend on any of this.
 */
import type { LicenseClaims } from './claims.js';

export const LICENSE_STATES = ['none', 'valid', 'expiring-soon', 'trial', 'expired-grace', 'expired', 'invalid'] as const;
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
  return state === 'valid' || state === 'expiring-soon' || state === 'trial' || state === 'expired-grace';
}

/** A real license in force (not expired): it always wins over the trial, and no trial can start beside it. */
export function isLicenseInForce(state: LicenseState): boolean {
  return state === 'valid' || state === 'expiring-soon';
}

/** Better states first: a start-up with several candidate licenses keeps the best one. */
export function stateRank(state: LicenseState): number {
  return ['valid', 'expiring-soon', 'trial', 'expired-grace', 'expired', 'invalid', 'none'].indexOf(state);
}

/** The trial's dates, as the trial store keeps them. */
export interface TrialPeriod {
  startedAt: Date;
  endsAt: Date;
}

/** The trial's grace period is the policy default (a trial carries no `grace_days` claim). */
export function trialGraceEndsAt(trial: TrialPeriod, policy: LicensePolicy): Date {
  return new Date(trial.endsAt.getTime() + policy.graceDays * DAY_MS);
}

/** A trial is `trial` until it ends, then follows an expired license: `expired-grace`, then `expired`. */
export function trialStateOf(trial: TrialPeriod, now: Date, policy: LicensePolicy): 'trial' | 'expired-grace' | 'expired' {
  const t = now.getTime();
  if (t >= trialGraceEndsAt(trial, policy).getTime()) return 'expired';
  return t >= trial.endsAt.getTime() ? 'expired-grace' : 'trial';
}
