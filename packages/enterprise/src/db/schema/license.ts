/**
 * The license installed through PUT /admin/license, so it survives a restart, and the self-serve trial.
 *
 * Rules:
 * - `enterprise_license`: one row at most (`id` = 1). The token is the signed license JWT: it is never returned
 *   by an API nor logged (GET /admin/license shows its claims). Keys from SLUICE_LICENSE_KEY /
 *   SLUICE_LICENSE_FILE are not copied here.
 * - `enterprise_license_trial`: the trial of this data directory. One row at most, ever: `id` is the primary
 *   key and a CHECK pins it to 1, so a second trial cannot be inserted (that is what makes the trial once per
 *   data directory). The row is never deleted or moved: installing a license does not touch it.
 *   `end_recorded_at` is set in the same transaction as the `license.trial.end` audit entry, so the end is
 *   recorded once, across restarts.
 * - Times are Unix milliseconds; `installed_by` / `started_by` name the admin principal (or `cli:<user>`).
 */
import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const enterpriseLicense = sqliteTable('enterprise_license', {
  id: integer('id').primaryKey(),
  token: text('token').notNull(),
  installedAt: integer('installed_at').notNull(),
  installedBy: text('installed_by'),
});

export const licenseTrial = sqliteTable(
  'enterprise_license_trial',
  {
    id: integer('id').primaryKey(),
    startedAt: integer('started_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    startedBy: text('started_by'),
    endRecordedAt: integer('end_recorded_at'),
  },
  (table) => [
    check('enterprise_license_trial_single_row', sql`${table.id} = 1`),
    check('enterprise_license_trial_ends_after_start', sql`${table.endsAt} > ${table.startedAt}`),
  ],
);

export type EnterpriseLicenseRow = typeof enterpriseLicense.$inferSelect;
export type LicenseTrialRow = typeof licenseTrial.$inferSelect;
