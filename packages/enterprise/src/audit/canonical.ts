/**
 * The chain format. Each entry's hash is SHA-256 (hex) over
 *
 *   "sluice-audit-v1\n" + JSON.stringify([seq, time, action, outcome, actor_kind, actor_id, actor_name,
 *                                          resource_type, resource_id, reason, ip, request_id, detail, prev_hash])
 *
 * with null for absent fields and `detail` as stored (canonical JSON, keys sorted); an entry with a `count`
 * (repeated events summarized in one) appends it after prev_hash, so entries without one hash as before. `seq` is inside the hash, so
 * moving an entry (reordering) breaks it as surely as editing one; `prev_hash` links each entry to the one
 * before, so deleting one breaks the next link. The first entry links to the anchor (64 zeros, or after
 * retention the hash of the last deleted entry).
 *
 * The chain head is sealed: seal = SHA-256 over "sluice-audit-head-v1\n" + JSON.stringify([anchor_seq,
 * anchor_hash, head_seq, head_hash]). Copying a row's hash into the head, or resetting the head to the
 * genesis values, then no longer verifies without computing a hash (the documented limit of a hash chain).
 */
import { createHash } from 'node:crypto';

export const CHAIN_VERSION = 'sluice-audit-v1';
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  time: string;
  action: string;
  outcome: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  resourceType: string;
  resourceId: string | null;
  reason: string | null;
  ip: string | null;
  requestId: string | null;
  detail: string | null;
  prevHash: string;
  /** Absent or null for a single event. */
  count?: number | null;
}

export function entryHash(f: ChainFields): string {
  const fields = [
    f.seq,
    f.time,
    f.action,
    f.outcome,
    f.actorKind,
    f.actorId,
    f.actorName,
    f.resourceType,
    f.resourceId,
    f.reason,
    f.ip,
    f.requestId,
    f.detail,
    f.prevHash,
  ];
  if (f.count !== undefined && f.count !== null) fields.push(f.count);
  return createHash('sha256')
    .update(`${CHAIN_VERSION}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

export const HEAD_SEAL_VERSION = 'sluice-audit-head-v1';

export interface ChainHead {
  anchorSeq: number;
  anchorHash: string;
  headSeq: number;
  headHash: string;
}

export function headSeal(head: ChainHead): string {
  return createHash('sha256')
    .update(`${HEAD_SEAL_VERSION}\n${JSON.stringify([head.anchorSeq, head.anchorHash, head.headSeq, head.headHash])}`)
    .digest('hex');
}

/** JSON with object keys sorted, so the same detail always serialises (and hashes) the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
