/**
 * The audit chain's head row (`enterprise_audit_chain`, id 1): read it, move it, and check its seal. The
 * migrations create the row, so a missing row means the log was wiped outside Sluice; appends refuse to start
 * a new chain over it (that would erase the evidence).
 */
import type Database from 'better-sqlite3';
import { headSeal, type ChainHead } from './canonical.js';

/** The migration that added the seal; heads that existed before it are sealed once, right after it ran. */
export const HEAD_SEAL_MIGRATION = '0001_audit_count_head_seal';

export interface SealedHead extends ChainHead {
  seal: string | null;
}

export function readChainHead(sqlite: Database.Database): SealedHead | undefined {
  const row = sqlite
    .prepare('SELECT anchor_seq, anchor_hash, head_seq, head_hash, head_seal FROM enterprise_audit_chain WHERE id = 1')
    .get() as { anchor_seq: number; anchor_hash: string; head_seq: number; head_hash: string; head_seal: string | null } | undefined;
  return (
    row && { anchorSeq: row.anchor_seq, anchorHash: row.anchor_hash, headSeq: row.head_seq, headHash: row.head_hash, seal: row.head_seal }
  );
}

/** Moves the head (and its seal); throws when the head row is gone. Call inside the append/prune transaction. */
export function writeChainHead(sqlite: Database.Database, head: ChainHead): void {
  const changed = sqlite
    .prepare('UPDATE enterprise_audit_chain SET anchor_seq = ?, anchor_hash = ?, head_seq = ?, head_hash = ?, head_seal = ? WHERE id = 1')
    .run(head.anchorSeq, head.anchorHash, head.headSeq, head.headHash, headSeal(head)).changes;
  if (changed !== 1)
    throw new Error(
      'the audit chain head is missing (the log was wiped outside Sluice): run `sluice audit verify`; nothing more is appended until it is restored',
    );
}

export function sealUnsealedHead(sqlite: Database.Database): void {
  const head = readChainHead(sqlite);
  if (head && head.seal === null) writeChainHead(sqlite, head);
}
