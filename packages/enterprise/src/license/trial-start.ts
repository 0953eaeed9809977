/**
 * Starting the self-serve trial: the only entitlement path without the vendor's signature. It is refused when
 * this data directory already had its trial (409 SLUICE_EE_ERR_TRIAL_USED) or when a signed license is in
 * force (409 SLUICE_EE_ERR_LICENSE_ACTIVE: the trial would add nothing, and it stays available for later).
 * Shared by the license service (the route) and `sluice license trial` (offline, on a data directory).
 */
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import type { LicenseSelection } from './license-selection.js';
import { isLicenseInForce, stateOf, type LicensePolicy } from './license-state.js';
import { LICENSING_DOCS } from './licensing-help.js';
import { claimTrial, readTrial, TRIAL_DAYS, type TrialRecord } from './trial-store.js';

function trialUsed(trial: TrialRecord, now: Date): EnterpriseError {
  const ended = trial.endsAt.getTime() <= now.getTime() ? 'ended' : 'ends';
  return new EnterpriseError(
    'SLUICE_EE_ERR_TRIAL_USED',
    `the free ${TRIAL_DAYS}-day trial of this data directory was already used: it started on ${trial.startedAt.toISOString()} and ${ended} on ${trial.endsAt.toISOString()}. ` +
      `A trial runs once per data directory; to keep enterprise features, install a license (PUT /admin/license, SLUICE_LICENSE_KEY or SLUICE_LICENSE_FILE; see ${LICENSING_DOCS})`,
  );
}

export function startTrial(deps: {
  orm: EnterpriseOrm;
  selection: LicenseSelection;
  now: Date;
  policy: LicensePolicy;
  startedBy?: string | undefined;
}): TrialRecord {
  const { orm, selection, now } = deps;
  const existing = readTrial(orm);
  if (existing) throw trialUsed(existing, now);
  const claims = selection.claims;
  if (claims && isLicenseInForce(stateOf(claims, now, deps.policy))) {
    throw new EnterpriseError(
      'SLUICE_EE_ERR_LICENSE_ACTIVE',
      `a license is in force (${claims.licensee}, license ${claims.licenseId}, until ${claims.expiresAt.toISOString()}): a trial would add nothing to it. ` +
        `The trial stays available to this data directory once no license is in force (see ${LICENSING_DOCS})`,
    );
  }
  const { started, trial } = claimTrial(orm, now, deps.startedBy);
  if (!started) throw trialUsed(trial, now); // another start won the race
  return trial;
}
