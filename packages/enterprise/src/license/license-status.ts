/**
 * What is in force right now, from the selected signed license and the trial record, and the status
 * GET /admin/license shows. Precedence (documented in the README, "Trial"):
 *   1. a license in force (valid, expiring-soon) always wins;
 *   2. else a running trial (state `trial`, every entitlement);
 *   3. else a license in its grace period, then a trial in its grace period (both `expired-grace`);
 *   4. else an expired or invalid license (what the operator set up is what to fix), then an expired trial;
 *   5. else `none`.
 * `source` says which one it is: 'installed', 'env', 'file' (a signed license) or 'trial'.
 */
import { FEATURES, type LicenseClaims } from './claims.js';
import type { LicenseSelection } from './license-selection.js';
import type { LicenseSource } from './license-sources.js';
import {
  graceEndsAt,
  isLicenseInForce,
  stateOf,
  trialGraceEndsAt,
  trialStateOf,
  unlocksFeatures,
  type LicensePolicy,
  type LicenseState,
} from './license-state.js';
import { TRIAL_DAYS, type TrialRecord } from './trial-store.js';

const DAY_MS = 86_400_000;

export type EntitlementSource = LicenseSource | 'trial';

export interface EffectiveLicense {
  state: LicenseState;
  /** Absent in state `none`. */
  source?: EntitlementSource;
  entitlements: string[];
  /** The signed license's claims, when it is the one in force. */
  claims?: LicenseClaims;
  expiresAt?: Date;
  graceEndsAt?: Date;
}

export interface TrialStatus {
  /** True when POST /admin/license/trial (or `sluice license trial`) would start a trial now. */
  available: boolean;
  /** Why not, when `available` is false. */
  unavailableReason?: string;
  /** How long a trial runs (30). */
  lengthDays: number;
  startedAt?: string;
  endsAt?: string;
  graceEndsAt?: string;
  /** Whole days until `endsAt` (0 once it has passed). */
  daysLeft?: number;
}

export interface LicenseStatus {
  state: LicenseState;
  reason?: string;
  source?: EntitlementSource;
  licensee?: string;
  licenseId?: string;
  entitlements: string[];
  limits: Record<string, number>;
  issuedAt?: string;
  notBefore?: string;
  expiresAt?: string;
  graceEndsAt?: string;
  /** Negative once expired. */
  daysUntilExpiry?: number;
  /** Every enterprise feature, whether it is unlocked now, and what it does. */
  features: { name: string; active: boolean; description: string }[];
  /** Problems with other license sources (e.g. a license file that does not verify) while this one is in force. */
  problems: string[];
  trial: TrialStatus;
}

/** Every entitlement the product knows: what a trial grants. */
export const ALL_ENTITLEMENTS: readonly string[] = Object.keys(FEATURES);

function licenseStateOf(selection: LicenseSelection, now: Date, policy: LicensePolicy): LicenseState {
  if (selection.claims) return stateOf(selection.claims, now, policy);
  return selection.reason !== undefined ? 'invalid' : 'none';
}

export function effectiveLicense(
  selection: LicenseSelection,
  trial: TrialRecord | undefined,
  now: Date,
  policy: LicensePolicy,
): EffectiveLicense {
  const licenseState = licenseStateOf(selection, now, policy);
  const trialState = trial ? trialStateOf(trial, now, policy) : undefined;
  const fromLicense = (): EffectiveLicense => {
    const c = selection.claims;
    return {
      state: licenseState,
      ...(selection.source ? { source: selection.source } : {}),
      entitlements: c?.entitlements ?? [],
      ...(c ? { claims: c, expiresAt: c.expiresAt, graceEndsAt: graceEndsAt(c, policy) } : {}),
    };
  };
  const fromTrial = (): EffectiveLicense => ({
    state: trialState!,
    source: 'trial',
    entitlements: [...ALL_ENTITLEMENTS],
    expiresAt: trial!.endsAt,
    graceEndsAt: trialGraceEndsAt(trial!, policy),
  });
  if (isLicenseInForce(licenseState)) return fromLicense();
  if (trialState === 'trial') return fromTrial();
  if (licenseState === 'expired-grace') return fromLicense();
  if (trialState === 'expired-grace') return fromTrial();
  if (licenseState !== 'none') return fromLicense();
  if (trialState) return fromTrial();
  return { state: 'none', entitlements: [] };
}

export function trialStatus(selection: LicenseSelection, trial: TrialRecord | undefined, now: Date, policy: LicensePolicy): TrialStatus {
  const inForce = isLicenseInForce(licenseStateOf(selection, now, policy));
  const unavailableReason = trial
    ? `the trial of this data directory started on ${trial.startedAt.toISOString()} (a trial runs once per data directory)`
    : inForce
      ? 'a license is in force; a trial would add nothing to it'
      : undefined;
  return {
    available: unavailableReason === undefined,
    ...(unavailableReason ? { unavailableReason } : {}),
    lengthDays: TRIAL_DAYS,
    ...(trial
      ? {
          startedAt: trial.startedAt.toISOString(),
          endsAt: trial.endsAt.toISOString(),
          graceEndsAt: trialGraceEndsAt(trial, policy).toISOString(),
          daysLeft: Math.max(0, Math.ceil((trial.endsAt.getTime() - now.getTime()) / DAY_MS)),
        }
      : {}),
  };
}

export function licenseStatus(
  selection: LicenseSelection,
  trial: TrialRecord | undefined,
  otherProblems: ReadonlyMap<string, string>,
  now: Date,
  policy: LicensePolicy,
): LicenseStatus {
  const effective = effectiveLicense(selection, trial, now, policy);
  const c = effective.claims;
  const active = unlocksFeatures(effective.state);
  const problems = [...otherProblems].map(([source, reason]) => `${source}: ${reason}`);
  // The trial can be in force over a signed license that does not unlock features: say what is wrong with it.
  if (effective.source === 'trial' && selection.source) {
    problems.unshift(`${selection.source}: ${selection.reason ?? `the license expired on ${selection.claims!.expiresAt.toISOString()}`}`);
  }
  return {
    state: effective.state,
    ...(effective.source !== 'trial' && selection.reason ? { reason: selection.reason } : {}),
    ...(effective.source ? { source: effective.source } : {}),
    ...(c
      ? { licensee: c.licensee, licenseId: c.licenseId, issuedAt: c.issuedAt.toISOString(), notBefore: c.notBefore.toISOString() }
      : {}),
    ...(effective.expiresAt && effective.graceEndsAt
      ? {
          expiresAt: effective.expiresAt.toISOString(),
          graceEndsAt: effective.graceEndsAt.toISOString(),
          daysUntilExpiry: Math.floor((effective.expiresAt.getTime() - now.getTime()) / DAY_MS),
        }
      : {}),
    entitlements: effective.entitlements,
    limits: c?.limits ?? {},
    features: Object.entries(FEATURES).map(([name, description]) => ({
      name,
      description,
      active: active && effective.entitlements.includes(name),
    })),
    problems,
    trial: trialStatus(selection, trial, now, policy),
  };
}
