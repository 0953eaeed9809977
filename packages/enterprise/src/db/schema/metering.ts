/**
 * Usage metering and quotas.
 *
 * Rules:
 * - `enterprise_usage` holds counters per (granularity, bucket_start, subject, model, version); the three
 *   granularities (minute, hour, day) are written together, so a read of any range touches only the rows of
 *   its buckets (the unique index), never per-request rows (there are none).
 * - `bucket_start` is Unix ms at the UTC start of the minute/hour/day. `subject` is the API key id or the
 *   subject of another strategy ('' for unauthenticated calls); `version` is '' when the event had none.
 * - Rows are upserted (counters added); minute rows older than the minute retention are pruned.
 * - `enterprise_quotas`: one row per subject; a NULL limit means no limit of that kind. Periods are UTC days and
 *   UTC calendar months.
 */
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const usageBuckets = sqliteTable(
  'enterprise_usage',
  {
    granularity: text('granularity', { enum: ['minute', 'hour', 'day'] }).notNull(),
    bucketStart: integer('bucket_start').notNull(),
    subject: text('subject').notNull(),
    subjectKind: text('subject_kind').notNull(),
    model: text('model').notNull(),
    version: text('version').notNull(),
    requests: integer('requests').notNull().default(0),
    items: integer('items').notNull().default(0),
    tokens: integer('tokens').notNull().default(0),
    computeMs: integer('compute_ms').notNull().default(0),
    errors: integer('errors').notNull().default(0),
  },
  (table) => [
    uniqueIndex('enterprise_usage_bucket_uq').on(table.granularity, table.bucketStart, table.subject, table.model, table.version),
    index('enterprise_usage_subject_idx').on(table.granularity, table.subject, table.bucketStart),
  ],
);

export const quotas = sqliteTable('enterprise_quotas', {
  subject: text('subject').primaryKey(),
  requestsPerDay: integer('requests_per_day'),
  requestsPerMonth: integer('requests_per_month'),
  tokensPerDay: integer('tokens_per_day'),
  tokensPerMonth: integer('tokens_per_month'),
  updatedAt: integer('updated_at').notNull(),
});

export type UsageBucketRow = typeof usageBuckets.$inferSelect;
export type QuotaRow = typeof quotas.$inferSelect;
