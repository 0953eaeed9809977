/**
 * Retention: deletes entries older than N days without breaking verification. In one transaction it deletes
 * the old rows, records the last deleted entry's seq and hash as the chain's anchor, and appends an
 * `audit.retention` entry (itself chained) that states the anchor, so verify can tell retention from tampering.
 */
import type { AuditStore } from './audit-store.js';
import { writeChainHead } from './chain-head.js';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';

export interface RetentionResult {
  deleted: number;
  anchorSeq: number;
}

/** About a century: any cut-off further back is no cut-off at all, and a larger count overflows Date. */
export const MAX_RETENTION_DAYS = 36_500;

export function applyRetention(db: EnterpriseDatabase, store: AuditStore, olderThanDays: number, now: Date): RetentionResult {
  if (!Number.isInteger(olderThanDays) || olderThanDays < 1 || olderThanDays > MAX_RETENTION_DAYS)
    throw new RangeError(`olderThanDays must be an integer from 1 to ${MAX_RETENTION_DAYS}`);
  const sqlite = db.core.sqlite;
  const cutoff = new Date(now.getTime() - olderThanDays * 86_400_000).toISOString();
  return sqlite
    .transaction((): RetentionResult => {
      const last = sqlite.prepare('SELECT seq, hash FROM enterprise_audit_log WHERE time < ? ORDER BY seq DESC LIMIT 1').get(cutoff) as
        { seq: number; hash: string } | undefined;
      if (!last) return { deleted: 0, anchorSeq: store.chain().anchorSeq };
      const deleted = sqlite.prepare('DELETE FROM enterprise_audit_log WHERE seq <= ?').run(last.seq).changes;
      writeChainHead(sqlite, { ...store.chain(), anchorSeq: last.seq, anchorHash: last.hash });
      // append() opens its own (nested → savepoint) transaction: the whole prune commits or none of it.
      store.append({
        time: now.toISOString(),
        action: 'audit.retention',
        outcome: 'success',
        actor: { kind: 'system' },
        resource: { type: 'audit-log' },
        detail: { deleted, anchorSeq: last.seq, anchorHash: last.hash, cutoff, olderThanDays },
      });
      return { deleted, anchorSeq: last.seq };
    })
    .immediate();
}
