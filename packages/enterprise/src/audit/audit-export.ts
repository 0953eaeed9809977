/**
 * Audit export formats. Both carry every chained field (including prev_hash and hash), so an export can be
 * verified on its own (verifyExportedEntries) and re-imported into a SIEM without losing the chain.
 * - JSONL: one AuditEntry JSON object per line.
 * - CSV: a header row, then one row per entry; `detail` is the canonical JSON string; `count` is empty for a
 *   single event; text that a spreadsheet would run as a formula is neutralised (see csv.ts).
 */
import { csvLine, parseCsv } from '../csv.js';
import type { AuditEntry } from './audit-store.js';
import { canonicalJson, entryHash } from './canonical.js';

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'action',
  'outcome',
  'actor_kind',
  'actor_id',
  'actor_name',
  'resource_type',
  'resource_id',
  'reason',
  'ip',
  'request_id',
  'detail',
  'prev_hash',
  'hash',
  'count',
] as const;
/** Exports written before `count` existed have the same columns without it. */
const LEGACY_COLUMNS = AUDIT_CSV_COLUMNS.filter((c) => c !== 'count');

export function auditJsonLine(entry: AuditEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

export function auditCsvHeader(): string {
  return csvLine(AUDIT_CSV_COLUMNS);
}

export function auditCsvLine(e: AuditEntry): string {
  return csvLine([
    e.seq,
    e.time,
    e.action,
    e.outcome,
    e.actor.kind,
    e.actor.id,
    e.actor.name,
    e.resource.type,
    e.resource.id,
    e.reason,
    e.ip,
    e.requestId,
    e.detail ? canonicalJson(e.detail) : '',
    e.prevHash,
    e.hash,
    e.count,
  ]);
}

export function parseAuditJsonl(text: string): AuditEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AuditEntry);
}

export function parseAuditCsv(text: string): AuditEntry[] {
  const [header, ...rows] = parseCsv(text);
  if (!header || (header.join(',') !== AUDIT_CSV_COLUMNS.join(',') && header.join(',') !== LEGACY_COLUMNS.join(',')))
    throw new Error('not a Sluice audit CSV export (unexpected header)');
  return rows
    .filter((r) => r.length > 1)
    .map((r) => {
      const get = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => r[header.indexOf(name)] ?? '';
      const opt = (name: (typeof AUDIT_CSV_COLUMNS)[number]) => (get(name) === '' ? undefined : get(name));
      const actorId = opt('actor_id');
      const actorName = opt('actor_name');
      const resourceId = opt('resource_id');
      const reason = opt('reason');
      const ip = opt('ip');
      const requestId = opt('request_id');
      const detail = opt('detail');
      const count = opt('count');
      return {
        seq: Number(get('seq')),
        time: get('time'),
        action: get('action'),
        outcome: get('outcome'),
        actor: {
          kind: get('actor_kind'),
          ...(actorId !== undefined ? { id: actorId } : {}),
          ...(actorName !== undefined ? { name: actorName } : {}),
        },
        resource: { type: get('resource_type'), ...(resourceId !== undefined ? { id: resourceId } : {}) },
        ...(reason !== undefined ? { reason } : {}),
        ...(ip !== undefined ? { ip } : {}),
        ...(requestId !== undefined ? { requestId } : {}),
        ...(detail !== undefined ? { detail: JSON.parse(detail) as Record<string, unknown> } : {}),
        ...(count !== undefined ? { count: Number(count) } : {}),
        prevHash: get('prev_hash'),
        hash: get('hash'),
      };
    });
}

/** Checks that exported entries are unaltered and consecutive; returns the first bad seq, or undefined. */
export function verifyExportedEntries(entries: readonly AuditEntry[]): { seq: number; message: string } | undefined {
  let previous: AuditEntry | undefined;
  for (const e of entries) {
    const hash = entryHash({
      seq: e.seq,
      time: e.time,
      action: e.action,
      outcome: e.outcome,
      actorKind: e.actor.kind,
      actorId: e.actor.id ?? null,
      actorName: e.actor.name ?? null,
      resourceType: e.resource.type,
      resourceId: e.resource.id ?? null,
      reason: e.reason ?? null,
      ip: e.ip ?? null,
      requestId: e.requestId ?? null,
      detail: e.detail ? canonicalJson(e.detail) : null,
      prevHash: e.prevHash,
      count: e.count ?? null,
    });
    if (hash !== e.hash) return { seq: e.seq, message: `entry ${e.seq} does not match its hash` };
    if (previous && previous.seq + 1 === e.seq && e.prevHash !== previous.hash)
      return { seq: e.seq, message: `entry ${e.seq} does not link to entry ${previous.seq}` };
    previous = e;
  }
  return undefined;
}
