/**
 * The append-only, hash-chained audit table: append (one IMMEDIATE transaction: read the head, insert, move
 * the head, optionally queue for the SIEM), query with filters and cursor pagination, and iterate for export.
 * Writes are synchronous: when append() returns, the entry is committed (the database runs synchronous=FULL).
 *
 * The SIEM outbox is bounded: it keeps the newest `outboxLimit` entries. An append that would exceed it drops
 * the oldest undelivered ones in the same transaction and reports how many (onOutboxDropped). The audit log
 * itself stays complete; only its delivery to the SIEM skips them (the receiver sees a gap in seq).
 */
import { and, asc, desc, eq, gt, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';
import { auditLog, auditOutbox, type AuditRow } from '../db/schema/index.js';
import type { AuditRecord } from './audit-record.js';
import { canonicalJson, entryHash, GENESIS_HASH } from './canonical.js';
import { readChainHead, writeChainHead } from './chain-head.js';

/** Default bound of the SIEM outbox (entries); at roughly 0.5 KB each, about 50 MB. */
export const DEFAULT_OUTBOX_LIMIT = 100_000;
/** The largest bound a setting may choose (about 5 GB of outbox). */
export const MAX_OUTBOX_LIMIT = 10_000_000;

export interface AuditEntry {
  seq: number;
  time: string;
  action: string;
  outcome: string;
  actor: { kind: string; id?: string; name?: string };
  resource: { type: string; id?: string };
  reason?: string;
  ip?: string;
  requestId?: string;
  detail?: Record<string, unknown>;
  /** How many identical events this entry summarizes (repeated auth failures); absent means 1. */
  count?: number;
  prevHash: string;
  hash: string;
}

export interface ChainState {
  anchorSeq: number;
  anchorHash: string;
  headSeq: number;
  headHash: string;
}

export interface AuditFilters {
  /** ISO 8601, inclusive. */
  from?: string;
  /** ISO 8601, exclusive. */
  to?: string;
  /** Matches the actor's id or name. */
  actor?: string;
  /** An exact action, or a prefix ending in '*' (e.g. "model.*"). */
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    time: row.time,
    action: row.action,
    outcome: row.outcome,
    actor: {
      kind: row.actorKind,
      ...(row.actorId !== null ? { id: row.actorId } : {}),
      ...(row.actorName !== null ? { name: row.actorName } : {}),
    },
    resource: { type: row.resourceType, ...(row.resourceId !== null ? { id: row.resourceId } : {}) },
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.ip !== null ? { ip: row.ip } : {}),
    ...(row.requestId !== null ? { requestId: row.requestId } : {}),
    ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
    ...(row.count !== null ? { count: row.count } : {}),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function encodeCursor(seq: number, order: 'asc' | 'desc'): string {
  return Buffer.from(JSON.stringify({ s: seq, o: order })).toString('base64url');
}

export function decodeCursor(cursor: string): { seq: number; order: 'asc' | 'desc' } {
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
  if (!Number.isInteger(parsed.s) || (parsed.o !== 'asc' && parsed.o !== 'desc')) throw new Error('bad cursor');
  return { seq: parsed.s as number, order: parsed.o };
}

function whereOf(filters: AuditFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.from) where.push(gte(auditLog.time, filters.from));
  if (filters.to) where.push(lt(auditLog.time, filters.to));
  if (filters.actor) where.push(sql`(${auditLog.actorId} = ${filters.actor} OR ${auditLog.actorName} = ${filters.actor})`);
  if (filters.action) {
    where.push(
      filters.action.endsWith('*')
        ? like(auditLog.action, `${filters.action.slice(0, -1).replace(/[%_\\]/g, '\\$&')}%`)
        : eq(auditLog.action, filters.action),
    );
  }
  if (filters.resourceType) where.push(eq(auditLog.resourceType, filters.resourceType));
  if (filters.resourceId) where.push(eq(auditLog.resourceId, filters.resourceId));
  if (filters.outcome) where.push(eq(auditLog.outcome, filters.outcome));
  return where;
}

export interface AuditStore {
  append(record: AuditRecord, options?: { outbox?: boolean }): AuditEntry;
  query(filters: AuditFilters, page: { limit: number; cursor?: string; order?: 'asc' | 'desc' }): AuditPage;
  /** Every matching entry in seq order, read in chunks (export). */
  iterate(filters: AuditFilters): Generator<AuditEntry>;
  chain(): ChainState;
  count(): number;
}

export interface AuditStoreOptions {
  /** The most entries the SIEM outbox holds (default DEFAULT_OUTBOX_LIMIT). */
  outboxLimit?: number;
  /** Called (inside the append) with how many undelivered entries the bound just dropped from the outbox. */
  onOutboxDropped?: (dropped: number) => void;
}

export function createAuditStore(db: EnterpriseDatabase, options: AuditStoreOptions = {}): AuditStore {
  const { orm } = db;
  const sqlite = db.core.sqlite;
  const outboxLimit = options.outboxLimit ?? DEFAULT_OUTBOX_LIMIT;
  // Outbox rows are a subset of seqs, so those at or below (newest seq - limit) are outside the newest `limit`.
  const trimOutbox = sqlite.prepare('DELETE FROM enterprise_audit_outbox WHERE seq <= ?');

  function chain(): ChainState {
    const head = readChainHead(sqlite);
    if (head) return { anchorSeq: head.anchorSeq, anchorHash: head.anchorHash, headSeq: head.headSeq, headHash: head.headHash };
    return { anchorSeq: 0, anchorHash: GENESIS_HASH, headSeq: 0, headHash: GENESIS_HASH };
  }

  const appendTx = sqlite.transaction((record: AuditRecord, outbox: boolean): AuditEntry => {
    const state = chain();
    const fields = {
      seq: state.headSeq + 1,
      time: new Date(record.time).toISOString(),
      action: record.action,
      outcome: record.outcome,
      actorKind: record.actor.kind,
      actorId: record.actor.id ?? null,
      actorName: record.actor.name ?? null,
      resourceType: record.resource.type,
      resourceId: record.resource.id ?? null,
      reason: record.reason ?? null,
      ip: record.ip ?? null,
      requestId: record.requestId ?? null,
      detail: record.detail ? canonicalJson(record.detail) : null,
      count: record.count !== undefined && record.count !== 1 ? record.count : null,
      prevHash: state.headHash,
    };
    const row = { ...fields, hash: entryHash(fields) };
    orm.insert(auditLog).values(row).run();
    writeChainHead(sqlite, { anchorSeq: state.anchorSeq, anchorHash: state.anchorHash, headSeq: row.seq, headHash: row.hash });
    const entry = toEntry(row);
    if (outbox) {
      orm
        .insert(auditOutbox)
        .values({ seq: row.seq, entry: JSON.stringify(entry), attempts: 0, nextAttemptAt: 0 })
        .run();
      const dropped = trimOutbox.run(row.seq - outboxLimit).changes;
      if (dropped > 0) options.onOutboxDropped?.(dropped);
    }
    return entry;
  });

  return {
    append(record, options = {}) {
      return appendTx.immediate(record, options.outbox === true);
    },
    query(filters, page) {
      const where = whereOf(filters);
      let order = page.order ?? 'desc';
      if (page.cursor) {
        const cursor = decodeCursor(page.cursor);
        order = cursor.order;
        where.push(order === 'asc' ? gt(auditLog.seq, cursor.seq) : lt(auditLog.seq, cursor.seq));
      }
      const rows = orm
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(order === 'asc' ? asc(auditLog.seq) : desc(auditLog.seq))
        .limit(page.limit + 1)
        .all();
      const entries = rows.slice(0, page.limit).map(toEntry);
      return rows.length > page.limit ? { entries, nextCursor: encodeCursor(entries[entries.length - 1]!.seq, order) } : { entries };
    },
    *iterate(filters) {
      let after = 0;
      for (;;) {
        const rows = orm
          .select()
          .from(auditLog)
          .where(and(...whereOf(filters), gt(auditLog.seq, after)))
          .orderBy(asc(auditLog.seq))
          .limit(500)
          .all();
        for (const row of rows) yield toEntry(row);
        if (rows.length < 500) return;
        after = rows[rows.length - 1]!.seq;
      }
    },
    chain,
    count() {
      return (
        orm
          .select({ n: sql<number>`count(*)` })
          .from(auditLog)
          .get()?.n ?? 0
      );
    },
  };
}
