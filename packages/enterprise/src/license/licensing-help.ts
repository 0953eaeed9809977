/**
 * The words every "locked" answer ends with: how to unlock enterprise features (the trial when this data
 * directory still has it, a license always) and where licensing is documented. One place, so the 402s, the
 * trial's refusals and the start-up log say the same thing.
 */
import type { TrialStatus } from './license-status.js';
import { TRIAL_DAYS } from './trial-store.js';

/** The README section on licenses and the trial (the README ships in the npm package too). */
export const LICENSING_DOCS = 'packages/enterprise/README.md#licensing';

const INSTALL = 'install a license with PUT /admin/license, SLUICE_LICENSE_KEY or SLUICE_LICENSE_FILE';
const TRIAL_ROUTES = "POST /admin/license/trial, `sluice license trial` or the console's License page";

export function howToUnlock(trial: TrialStatus): string {
  const docs = `Licensing and the trial are documented in ${LICENSING_DOCS}`;
  if (trial.available) return `Start a free ${TRIAL_DAYS}-day trial of every enterprise feature (${TRIAL_ROUTES}), or ${INSTALL}. ${docs}`;
  if (trial.startedAt) {
    return `The free ${TRIAL_DAYS}-day trial (${TRIAL_ROUTES}; once per data directory) was already used here: it started on ${trial.startedAt}. To go on, ${INSTALL}. ${docs}`;
  }
  return `To change it, ${INSTALL}; a free ${TRIAL_DAYS}-day trial (${TRIAL_ROUTES}) starts only while no license is in force. ${docs}`;
}
