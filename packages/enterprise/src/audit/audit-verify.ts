/**
 * Verifies the whole chain and names the first bad entry: an edited entry (its content no longer matches its
 * hash), a deleted one (a gap in seq, or a broken prev_hash link), reordered ones (seq is inside the hash), a
 * truncated or extended tail (the chain head disagrees with the last row), a retention anchor that no
 * retention record vouches for, a head edited by hand (its seal no longer matches: e.g. a row's hash copied
 * into it after deleting the rows above), a missing head (the migrations create it, so an empty log whose head
 * is gone was wiped) and missing tables. Reads rows one at a time, so it runs in constant memory.
 *
 * Limits (documented): whoever can rewrite the database file can also recompute every hash from the first
 * change onwards; such a rewrite is caught only by comparing with a copy kept elsewhere (the SIEM, or a head
 * hash recorded from `verify`).
 */
import type Database from 'better-sqlite3';
import { entryHash, GENESIS_HASH, headSeal, type ChainFields } from './canonical.js';
import { readChainHead } from './chain-head.js';

export interface VerifyProblem {
  /** The first bad entry's seq (for a deletion: the first missing seq). */
  seq: number;
  kind: 'edited' | 'missing' | 'broken-link' | 'truncated' | 'unchained' | 'anchor' | 'head' | 'table';
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
  count: number | null;
  prev_hash: string;
  hash: string;
}

function fieldsOf(row: RawRow): ChainFields {
  return {
    seq: row.seq,
    time: row.time,
    action: row.action,
    outcome: row.outcome,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    reason: row.reason,
    ip: row.ip,
    requestId: row.request_id,
    detail: row.detail,
    prevHash: row.prev_hash,
    count: row.count,
  };
}

export function verifyAuditChain(sqlite: Database.Database): VerifyResult {
  // One read transaction: a concurrent append cannot make a consistent chain look broken.
  return sqlite.transaction(() => {
    const tables = new Set(
      (
        sqlite
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('enterprise_audit_log', 'enterprise_audit_chain')")
          .all() as { name: string }[]
      ).map((t) => t.name),
    );
    const chain = tables.has('enterprise_audit_chain') ? readChainHead(sqlite) : undefined;
    const anchorSeq = chain?.anchorSeq ?? 0;
    const anchorHash = chain?.anchorHash ?? GENESIS_HASH;
    const headSeq = chain?.headSeq ?? 0;
    const headHash = chain?.headHash ?? GENESIS_HASH;
    const result = (checked: number, firstBad?: VerifyProblem): VerifyResult => ({
      ok: !firstBad,
      checked,
      anchorSeq,
      headSeq,
      headHash,
      ...(firstBad ? { firstBad } : {}),
    });
    for (const table of ['enterprise_audit_log', 'enterprise_audit_chain']) {
      if (!tables.has(table))
        return result(0, { seq: 1, kind: 'table', message: `the audit table ${table} is missing: it was dropped outside Sluice` });
    }
    if (!chain) return result(0, { seq: 1, kind: 'head', message: 'the chain head is missing: the audit log was wiped outside Sluice' });
    if (chain.seal !== headSeal(chain)) {
      return result(0, {
        seq: headSeq,
        kind: 'head',
        message: `the chain head (seq ${headSeq}) does not match its seal: it was edited outside Sluice (entries after it may have been deleted)`,
      });
    }

    let expectedSeq = anchorSeq + 1;
    let previousHash = anchorHash;
    let checked = 0;
    let lastRetention: { seq: number; detail: string | null } | undefined;
    for (const row of sqlite.prepare('SELECT * FROM enterprise_audit_log ORDER BY seq').iterate() as IterableIterator<RawRow>) {
      if (row.seq < expectedSeq)
        return result(checked, {
          seq: row.seq,
          kind: 'anchor',
          message: `entry ${row.seq} lies before the retention anchor (seq ${anchorSeq}): the anchor was moved`,
        });
      if (row.seq > expectedSeq) {
        const last = row.seq - 1;
        return result(checked, {
          seq: expectedSeq,
          kind: 'missing',
          message: `entr${last > expectedSeq ? `ies ${expectedSeq}..${last} are` : `y ${expectedSeq} is`} missing (deleted)`,
        });
      }
      if (entryHash(fieldsOf(row)) !== row.hash) {
        return result(checked, {
          seq: row.seq,
          kind: 'edited',
          message: `entry ${row.seq} does not match its hash: it was edited (or moved from another position)`,
        });
      }
      if (row.prev_hash !== previousHash) {
        return result(checked, {
          seq: row.seq,
          kind: 'broken-link',
          message: `entry ${row.seq} does not link to the entry before it: entries were reordered, or entry ${row.seq - 1} was replaced`,
        });
      }
      if (row.action === 'audit.retention') lastRetention = { seq: row.seq, detail: row.detail };
      previousHash = row.hash;
      expectedSeq = row.seq + 1;
      checked++;
    }
    const lastSeq = expectedSeq - 1;
    if (lastSeq < headSeq)
      return result(checked, {
        seq: lastSeq + 1,
        kind: 'truncated',
        message: `entries ${lastSeq + 1}..${headSeq} are missing: the chain head records seq ${headSeq}`,
      });
    if (lastSeq > headSeq || previousHash !== headHash) {
      return result(checked, {
        seq: headSeq + (lastSeq > headSeq ? 1 : 0),
        kind: 'unchained',
        message: `the last entries do not match the chain head (seq ${headSeq}): entries were added or rewritten outside Sluice`,
      });
    }
    if (anchorSeq > 0) {
      const detail = lastRetention?.detail ? (JSON.parse(lastRetention.detail) as { anchorSeq?: number; anchorHash?: string }) : undefined;
      if (!detail || detail.anchorSeq !== anchorSeq || detail.anchorHash !== anchorHash) {
        return result(checked, {
          seq: anchorSeq + 1,
          kind: 'anchor',
          message: `no retention record vouches for the anchor (seq ${anchorSeq}): entries before ${anchorSeq + 1} were deleted outside retention`,
        });
      }
    }
    return result(checked);
  })();
}
