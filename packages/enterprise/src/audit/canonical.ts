/**
 * The chain format. Each entry's hash is SHA-256 (hex) over
 *
 *   "sluice-audit-v1\n" + JSON.stringify([seq, time, action, outcome, actor_kind, actor_id, actor_name,
 *                                          resource_type, resource_id, reason, ip, request_id, detail, prev_hash])
 *
 * with null for absent fields and `detail` as stored (canonical JSON, keys sorted). `seq` is inside the hash, so
 * moving an entry (reordering) breaks it as surely as editing one; `prev_hash` links each entry to the one
 * before, so deleting one breaks the next link. The first entry links to the anchor (64 zeros, or after
 * retention the hash of the last deleted entry).
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
}

export function entryHash(f: ChainFields): string {
  const canonical = JSON.stringify([f.seq, f.time, f.action, f.outcome, f.actorKind, f.actorId, f.actorName, f.resourceType, f.resourceId, f.reason, f.ip, f.requestId, f.detail, f.prevHash]);
  return createHash('sha256').update(`${CHAIN_VERSION}\n${canonical}`).digest('hex');
}

/** JSON with object keys sorted, so the same detail always serialises (and hashes) the same way. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
