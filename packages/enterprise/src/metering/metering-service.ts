/**
 * Usage metering. Each `inference.completed` event adds to an in-memory counter for its minute, subject, model
 * and version (a Map update: nothing on the request path touches the database); a flush (every flushMs, before
 * every read, and at shutdown) upserts the counters into the minute, hour and day rows in one transaction.
 * Reads sum bucket rows through the unique index: their cost depends on the range, never on the request count.
 * A kill -9 loses at most the last flushMs of metering (audit entries are durable, metering is not).
 *
 * The flush writes through its own connection with synchronous=NORMAL: in WAL mode a commit then needs no
 * fsync (a process crash still loses nothing committed; a power cut may lose the last flushes), so a slow disk
 * never blocks the event loop for an fsync per second. The audit log keeps core's synchronous=FULL connection.
 */
import Database from 'better-sqlite3';
import type { InferenceCompletedEvent } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';
import { bucketStart, bucketSizeMs, GRANULARITIES, type Granularity } from './buckets.js';

export interface UsageCounters {
  requests: number;
  items: number;
  tokens: number;
  computeMs: number;
  errors: number;
}

interface Pending extends UsageCounters {
  minute: number;
  subject: string;
  subjectKind: string;
  model: string;
  version: string;
}

export const GROUP_BY_FIELDS = ['key', 'model', 'version', 'time'] as const;
export type GroupBy = (typeof GROUP_BY_FIELDS)[number];

export interface UsageQuery {
  /** Unix ms, inclusive (rounded down to the bucket). */
  from: number;
  /** Unix ms, exclusive. */
  to: number;
  granularity: Granularity;
  groupBy: readonly GroupBy[];
  /** Only this subject (key id). */
  subject?: string;
}

export interface UsageRow extends UsageCounters {
  key?: string;
  keyKind?: string;
  model?: string;
  version?: string;
  /** ISO start of the bucket, when grouped by time. */
  time?: string;
}

export interface MeteringService {
  record(event: Readonly<InferenceCompletedEvent>): void;
  flush(): void;
  usage(query: UsageQuery): UsageRow[];
  /** Sums for one subject since `sinceMs` (day rows plus today's finer rows), flushing first; quotas use it. */
  totalsSince(subject: string, sinceMs: number): UsageCounters;
  /** Deletes minute rows older than the minute retention, hour rows older than the hour retention. */
  prune(): void;
  start(): void;
  stop(): void;
}

export interface MeteringSettings {
  flushMs: number;
  minuteRetentionDays: number;
  hourRetentionDays: number;
}

export function createMeteringService(deps: {
  db: EnterpriseDatabase;
  clock: Clock;
  logger: FastifyBaseLogger;
  settings: MeteringSettings;
}): MeteringService {
  const sqlite = new Database(deps.db.core.file, { timeout: 5000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const pending = new Map<string, Pending>();
  const upsert =
    sqlite.prepare(`INSERT INTO enterprise_usage (granularity, bucket_start, subject, subject_kind, model, version, requests, items, tokens, compute_ms, errors)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (granularity, bucket_start, subject, model, version) DO UPDATE SET
      requests = requests + excluded.requests, items = items + excluded.items, tokens = tokens + excluded.tokens,
      compute_ms = compute_ms + excluded.compute_ms, errors = errors + excluded.errors`);
  const pruneStatement = sqlite.prepare('DELETE FROM enterprise_usage WHERE granularity = ? AND bucket_start < ?');
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;

  const flushTx = sqlite.transaction((rows: Pending[]) => {
    for (const p of rows) {
      for (const granularity of GRANULARITIES) {
        upsert.run(
          granularity,
          bucketStart(granularity, p.minute),
          p.subject,
          p.subjectKind,
          p.model,
          p.version,
          p.requests,
          p.items,
          p.tokens,
          Math.round(p.computeMs),
          p.errors,
        );
      }
    }
  });

  const service: MeteringService = {
    record(event) {
      const minute = bucketStart('minute', deps.clock().getTime());
      const subject = event.keyId ?? event.subject ?? '';
      const version = event.version ?? '';
      const key = `${minute}\u0000${subject}\u0000${event.model}\u0000${version}`;
      let p = pending.get(key);
      if (!p) {
        p = {
          minute,
          subject,
          subjectKind: event.principalKind ?? (event.keyId ? 'api-key' : 'anonymous'),
          model: event.model,
          version,
          requests: 0,
          items: 0,
          tokens: 0,
          computeMs: 0,
          errors: 0,
        };
        pending.set(key, p);
      }
      p.requests++;
      p.items += event.items;
      p.tokens += event.tokens ?? 0;
      p.computeMs += event.computeMs;
      if (event.status === 'failure') p.errors++;
    },
    flush() {
      if (pending.size === 0) return;
      const rows = [...pending.values()];
      pending.clear();
      try {
        flushTx.immediate(rows);
      } catch (error) {
        deps.logger.error({ err: error, rows: rows.length }, 'cannot write usage counters; keeping them for the next flush');
        for (const p of rows) pending.set(`${p.minute}\u0000${p.subject}\u0000${p.model}\u0000${p.version}`, p);
      }
    },
    usage(query) {
      service.flush();
      const columns: string[] = [];
      if (query.groupBy.includes('key')) columns.push('subject', 'subject_kind');
      if (query.groupBy.includes('model')) columns.push('model');
      if (query.groupBy.includes('version')) columns.push('version');
      if (query.groupBy.includes('time')) columns.push('bucket_start');
      const select = columns.length > 0 ? `${columns.join(', ')}, ` : '';
      const group = columns.length > 0 ? `GROUP BY ${columns.join(', ')} ORDER BY ${columns.join(', ')}` : '';
      const subjectFilter = query.subject !== undefined ? 'AND subject = @subject' : '';
      const rows = sqlite
        .prepare(
          `SELECT ${select}sum(requests) AS requests, sum(items) AS items, sum(tokens) AS tokens, sum(compute_ms) AS compute_ms, sum(errors) AS errors
        FROM enterprise_usage WHERE granularity = @granularity AND bucket_start >= @from AND bucket_start < @to ${subjectFilter} ${group}`,
        )
        .all({
          granularity: query.granularity,
          from: bucketStart(query.granularity, query.from),
          to: query.to,
          ...(query.subject !== undefined ? { subject: query.subject } : {}),
        }) as Record<string, string | number | null>[];
      return rows
        .filter((r) => r.requests !== null)
        .map((r) => ({
          ...(r.subject !== undefined ? { key: String(r.subject), keyKind: String(r.subject_kind) } : {}),
          ...(r.model !== undefined ? { model: String(r.model) } : {}),
          ...(r.version !== undefined ? { version: String(r.version) } : {}),
          ...(r.bucket_start !== undefined ? { time: new Date(Number(r.bucket_start)).toISOString() } : {}),
          requests: Number(r.requests),
          items: Number(r.items),
          tokens: Number(r.tokens),
          computeMs: Number(r.compute_ms),
          errors: Number(r.errors),
        }));
    },
    totalsSince(subject, sinceMs) {
      service.flush();
      const dayFrom = bucketStart('day', sinceMs) === sinceMs ? sinceMs : bucketStart('day', sinceMs) + bucketSizeMs('day');
      const row = sqlite
        .prepare(
          `SELECT coalesce(sum(requests), 0) AS requests, coalesce(sum(items), 0) AS items, coalesce(sum(tokens), 0) AS tokens, coalesce(sum(compute_ms), 0) AS computeMs, coalesce(sum(errors), 0) AS errors
        FROM enterprise_usage WHERE granularity = 'day' AND subject = ? AND bucket_start >= ?`,
        )
        .get(subject, dayFrom) as UsageCounters;
      return row;
    },
    prune() {
      const now = deps.clock().getTime();
      pruneStatement.run('minute', now - deps.settings.minuteRetentionDays * 86_400_000);
      pruneStatement.run('hour', now - deps.settings.hourRetentionDays * 86_400_000);
    },
    start() {
      timer = setInterval(() => {
        service.flush();
        if (Date.now() - lastPrune > 3_600_000) {
          lastPrune = Date.now();
          service.prune();
        }
      }, deps.settings.flushMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      service.flush();
      sqlite.close();
    },
  };
  return service;
}
