/**
 * The license installed through PUT /admin/license, so it survives a restart.
 *
 * Rules:
 * - One row at most (`id` = 1). The token is the signed license JWT: it is never returned by an API nor logged
 *   (GET /admin/license shows its claims). Keys from SLUICE_LICENSE_KEY / SLUICE_LICENSE_FILE are not copied here.
 * - Times are Unix milliseconds; `installed_by` is the admin principal's id.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const enterpriseLicense = sqliteTable('enterprise_license', {
  id: integer('id').primaryKey(),
  token: text('token').notNull(),
  installedAt: integer('installed_at').notNull(),
  installedBy: text('installed_by'),
});

export type EnterpriseLicenseRow = typeof enterpriseLicense.$inferSelect;
