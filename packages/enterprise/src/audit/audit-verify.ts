/**
 * Verifies the whole chain and names the first bad entry: an edited entry (its content no longer matches its
 * hash), a deleted one (a gap in seq, or a broken prev_hash link), reordered ones (seq is inside the hash), a
 * truncated or extended tail (the chain head disagrees with the last row), and a retention anchor that no
 * retention record vouches for. Reads rows one at a time, so it runs in constant memory.
 *
 * Limits (documented): whoever can rewrite the database file can also recompute every hash from the first
 * change onwards; such a rewrite is caught only by comparing with a copy kept elsewhere (the SIEM, or a head
 * hash recorded from `verify`).
 */
import type Database from 'better-sqlite3';
import { entryHash, GENESIS_HASH, type ChainFields } from './canonical.js';

export interface VerifyProblem {
  /** The first bad entry's seq (for a deletion: the first missing seq). */
  seq: number;
  kind: 'edited' | 'missing' | 'broken-link' | 'truncated' | 'unchained' | 'anchor';
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries checked. */
  checked: number;
  anchorSeq: number;
  headSeq: number;
  headHash: string;
  firstBad?: VerifyProblem;
}

interface RawRow {
  seq: number;
  time: string;
  action: string;
  outcome: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  resource_type: string;
  resource_id: string | null;
  reason: string | null;
  ip: string | null;
  request_id: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

function fieldsOf(row: RawRow): ChainFields {
  return {
    seq: row.seq, time: row.time, action: row.action, outcome: row.outcome, actorKind: row.actor_kind, actorId: row.actor_id, actorName: row.actor_name,
    resourceType: row.resource_type, resourceId: row.resource_id, reason: row.reason, ip: row.ip, requestId: row.request_id, detail: row.detail, prevHash: row.prev_hash,
  };
}

export function verifyAuditChain(sqlite: Database.Database): VerifyResult {
  // One read transaction: a concurrent append cannot make a consistent chain look broken.
  return sqlite.transaction(() => {
    const chain = sqlite.prepare('SELECT anchor_seq, anchor_hash, head_seq, head_hash FROM enterprise_audit_chain WHERE id = 1').get() as
      | { anchor_seq: number; anchor_hash: string; head_seq: number; head_hash: string }
      | undefined;
    const anchorSeq = chain?.anchor_seq ?? 0;
    const anchorHash = chain?.anchor_hash ?? GENESIS_HASH;
    const headSeq = chain?.head_seq ?? 0;
    const headHash = chain?.head_hash ?? GENESIS_HASH;
    const result = (checked: number, firstBad?: VerifyProblem): VerifyResult => ({ ok: !firstBad, checked, anchorSeq, headSeq, headHash, ...(firstBad ? { firstBad } : {}) });

    let expectedSeq = anchorSeq + 1;
    let previousHash = anchorHash;
    let checked = 0;
    let lastRetention: { seq: number; detail: string | null } | undefined;
    for (const row of sqlite.prepare('SELECT * FROM enterprise_audit_log ORDER BY seq').iterate() as IterableIterator<RawRow>) {
      if (row.seq < expectedSeq) return result(checked, { seq: row.seq, kind: 'anchor', message: `entry ${row.seq} lies before the retention anchor (seq ${anchorSeq}): the anchor was moved` });
      if (row.seq > expectedSeq) {
        const last = row.seq - 1;
        return result(checked, { seq: expectedSeq, kind: 'missing', message: `entr${last > expectedSeq ? `ies ${expectedSeq}..${last} are` : `y ${expectedSeq} is`} missing (deleted)` });
      }
      if (entryHash(fieldsOf(row)) !== row.hash) {
        return result(checked, { seq: row.seq, kind: 'edited', message: `entry ${row.seq} does not match its hash: it was edited (or moved from another position)` });
      }
      if (row.prev_hash !== previousHash) {
        return result(checked, { seq: row.seq, kind: 'broken-link', message: `entry ${row.seq} does not link to the entry before it: entries were reordered, or entry ${row.seq - 1} was replaced` });
      }
      if (row.action === 'audit.retention') lastRetention = { seq: row.seq, detail: row.detail };
      previousHash = row.hash;
      expectedSeq = row.seq + 1;
      checked++;
    }
    const lastSeq = expectedSeq - 1;
    if (lastSeq < headSeq) return result(checked, { seq: lastSeq + 1, kind: 'truncated', message: `entries ${lastSeq + 1}..${headSeq} are missing: the chain head records seq ${headSeq}` });
    if (lastSeq > headSeq || previousHash !== headHash) {
      return result(checked, { seq: headSeq + (lastSeq > headSeq ? 1 : 0), kind: 'unchained', message: `the last entries do not match the chain head (seq ${headSeq}): entries were added or rewritten outside Sluice` });
    }
    if (anchorSeq > 0) {
      const detail = lastRetention?.detail ? (JSON.parse(lastRetention.detail) as { anchorSeq?: number; anchorHash?: string }) : undefined;
      if (!detail || detail.anchorSeq !== anchorSeq || detail.anchorHash !== anchorHash) {
        return result(checked, { seq: anchorSeq + 1, kind: 'anchor', message: `no retention record vouches for the anchor (seq ${anchorSeq}): entries before ${anchorSeq + 1} were deleted outside retention` });
      }
    }
    return result(checked);
  })();
}
