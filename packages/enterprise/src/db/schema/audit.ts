/**
 * The tamper-evident audit log.
 *
 * Rules:
 * - `enterprise_audit_log` is append-only: rows are inserted with `seq` = head + 1 and never updated; only
 *   retention deletes them, oldest first. `hash` = SHA-256 over the canonical serialisation of the row's fields
 *   and `prev_hash` (see audit/canonical.ts); the first row after the anchor has prev_hash = the anchor hash.
 * - `enterprise_audit_chain` has one row (`id` = 1), created by the migrations and never deleted: the anchor
 *   (the seq and hash of the last entry deleted by retention; 0 and 64 zeros when nothing was deleted), the
 *   head (the last appended seq and hash) and their seal, updated in the same transaction as each append /
 *   prune. A missing row means the log was wiped outside Sluice.
 * - `enterprise_audit_outbox` holds entries not yet delivered to the SIEM webhook (`entry` is the JSON sent);
 *   a row is deleted after the webhook answered 2xx (a restart resends, never loses), or when it falls out of
 *   the bound (the newest `maxPending` entries are kept; the dropped ones stay in the audit log itself).
 * - No column ever holds a request payload or a credential. `time` is ISO 8601 UTC; other times Unix ms.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const auditLog = sqliteTable(
  'enterprise_audit_log',
  {
    seq: integer('seq').primaryKey(),
    time: text('time').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    reason: text('reason'),
    ip: text('ip'),
    requestId: text('request_id'),
    /** Extra structured facts as canonical JSON (e.g. a license change's license id and state); never payloads. */
    detail: text('detail'),
    /** How many identical events this entry summarizes (repeated auth failures); null means 1. */
    count: integer('count'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (table) => [
    index('enterprise_audit_log_time_idx').on(table.time),
    index('enterprise_audit_log_action_idx').on(table.action, table.seq),
    index('enterprise_audit_log_actor_idx').on(table.actorId, table.seq),
    index('enterprise_audit_log_resource_idx').on(table.resourceType, table.resourceId, table.seq),
  ],
);

export const auditChain = sqliteTable('enterprise_audit_chain', {
  id: integer('id').primaryKey(),
  anchorSeq: integer('anchor_seq').notNull(),
  anchorHash: text('anchor_hash').notNull(),
  headSeq: integer('head_seq').notNull(),
  headHash: text('head_hash').notNull(),
  /** SHA-256 over anchor and head (audit/canonical.ts headSeal): a head copied from a row or reset by hand no longer matches. */
  headSeal: text('head_seal'),
});

export const auditOutbox = sqliteTable(
  'enterprise_audit_outbox',
  {
    seq: integer('seq').primaryKey(),
    entry: text('entry').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
  },
  (table) => [index('enterprise_audit_outbox_next_attempt_idx').on(table.nextAttemptAt)],
);

export type AuditRow = typeof auditLog.$inferSelect;
