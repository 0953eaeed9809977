/**
 * The trial's row in the data directory (`enterprise_license_trial`, one row ever): read it, claim it once,
 * and note that its end was audited. The schema refuses a second row, so two starts racing (a route and the
 * CLI, two replicas on one database) cannot both win.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import { licenseTrial } from '../db/schema/index.js';
import type { TrialPeriod } from './license-state.js';

/** How long the self-serve trial runs. */
export const TRIAL_DAYS = 30;
const DAY_MS = 86_400_000;
const TRIAL_ROW = 1;

export interface TrialRecord extends TrialPeriod {
  startedBy?: string;
  /** When the `license.trial.end` entry was written (absent until then). */
  endRecordedAt?: Date;
}

export function readTrial(orm: EnterpriseOrm): TrialRecord | undefined {
  const row = orm.select().from(licenseTrial).where(eq(licenseTrial.id, TRIAL_ROW)).get();
  if (!row) return undefined;
  return {
    startedAt: new Date(row.startedAt),
    endsAt: new Date(row.endsAt),
    ...(row.startedBy !== null ? { startedBy: row.startedBy } : {}),
    ...(row.endRecordedAt !== null ? { endRecordedAt: new Date(row.endRecordedAt) } : {}),
  };
}

/** Inserts the trial unless one exists: `started` is false (with the existing trial) when it was used before. */
export function claimTrial(orm: EnterpriseOrm, now: Date, startedBy: string | undefined): { started: boolean; trial: TrialRecord } {
  const row = { id: TRIAL_ROW, startedAt: now.getTime(), endsAt: now.getTime() + TRIAL_DAYS * DAY_MS, startedBy: startedBy ?? null };
  const inserted = orm.insert(licenseTrial).values(row).onConflictDoNothing({ target: licenseTrial.id }).run().changes === 1;
  return { started: inserted, trial: readTrial(orm)! };
}

/**
 * Marks the trial's end as recorded; true when this call did it (false: already recorded, or no trial). Run it
 * in the same transaction as the audit entry, so a failed entry leaves the end unrecorded for the next check.
 */
export function claimTrialEnd(orm: EnterpriseOrm, now: Date): boolean {
  return (
    orm
      .update(licenseTrial)
      .set({ endRecordedAt: now.getTime() })
      .where(and(eq(licenseTrial.id, TRIAL_ROW), isNull(licenseTrial.endRecordedAt)))
      .run().changes === 1
  );
}
