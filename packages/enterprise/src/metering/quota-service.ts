/**
 * Per-principal quotas: requests and/or tokens per UTC day and per UTC calendar month. Requests are counted
 * when admitted (so concurrent requests cannot overshoot a request quota), tokens when the inference completes
 * (a request that crosses a token quota finishes; the next one is refused). Counters live in memory and start
 * from the metered usage when a principal is first seen after a start, so a restart does not reset a quota.
 */
import { eq } from 'drizzle-orm';
import type { InferenceCompletedEvent } from '@sluice/core';
import type { Clock } from '../clock.js';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';
import { quotas as quotasTable, type QuotaRow } from '../db/schema/index.js';
import { bucketStart, bucketSizeMs, monthStart, nextMonthStart } from './buckets.js';
import type { MeteringService } from './metering-service.js';

export interface QuotaLimits {
  requestsPerDay?: number | null;
  requestsPerMonth?: number | null;
  tokensPerDay?: number | null;
  tokensPerMonth?: number | null;
}

export interface Quota extends QuotaLimits {
  subject: string;
  updatedAt: string;
}

export type QuotaDecision = { allowed: true } | { allowed: false; limit: keyof QuotaLimits; max: number; used: number; resetAt: number };

interface Usage {
  day: number;
  month: number;
  requestsDay: number;
  requestsMonth: number;
  tokensDay: number;
  tokensMonth: number;
}

export interface QuotaService {
  set(subject: string, limits: QuotaLimits): Quota;
  get(subject: string): Quota | undefined;
  list(): Quota[];
  remove(subject: string): boolean;
  /** True when any quota exists (the request hook's fast path). */
  any(): boolean;
  /** Checks and, when allowed, counts the request. */
  admit(subject: string): QuotaDecision;
  completed(event: Readonly<InferenceCompletedEvent>): void;
  usage(subject: string): Omit<Usage, 'day' | 'month'>;
}

function toQuota(row: QuotaRow): Quota {
  return {
    subject: row.subject,
    requestsPerDay: row.requestsPerDay,
    requestsPerMonth: row.requestsPerMonth,
    tokensPerDay: row.tokensPerDay,
    tokensPerMonth: row.tokensPerMonth,
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export function createQuotaService(deps: { db: EnterpriseDatabase; clock: Clock; metering: MeteringService }): QuotaService {
  const { orm } = deps.db;
  const limits = new Map<string, Quota>(
    orm
      .select()
      .from(quotasTable)
      .all()
      .map((row) => [row.subject, toQuota(row)]),
  );
  const usage = new Map<string, Usage>();

  function current(subject: string): Usage {
    const now = deps.clock().getTime();
    const day = bucketStart('day', now);
    const month = monthStart(now);
    let u = usage.get(subject);
    if (!u) {
      const monthTotals = deps.metering.totalsSince(subject, month);
      const dayTotals = deps.metering.totalsSince(subject, day);
      u = {
        day,
        month,
        requestsDay: dayTotals.requests,
        requestsMonth: monthTotals.requests,
        tokensDay: dayTotals.tokens,
        tokensMonth: monthTotals.tokens,
      };
      usage.set(subject, u);
    }
    if (u.month !== month) Object.assign(u, { month, requestsMonth: 0, tokensMonth: 0 });
    if (u.day !== day) Object.assign(u, { day, requestsDay: 0, tokensDay: 0 });
    return u;
  }

  return {
    set(subject, next) {
      const row = {
        subject,
        requestsPerDay: next.requestsPerDay ?? null,
        requestsPerMonth: next.requestsPerMonth ?? null,
        tokensPerDay: next.tokensPerDay ?? null,
        tokensPerMonth: next.tokensPerMonth ?? null,
        updatedAt: deps.clock().getTime(),
      };
      orm.insert(quotasTable).values(row).onConflictDoUpdate({ target: quotasTable.subject, set: row }).run();
      const quota = toQuota(row);
      limits.set(subject, quota);
      return quota;
    },
    get: (subject) => limits.get(subject),
    list: () => [...limits.values()],
    remove(subject) {
      limits.delete(subject);
      return orm.delete(quotasTable).where(eq(quotasTable.subject, subject)).run().changes > 0;
    },
    any: () => limits.size > 0,
    admit(subject) {
      const quota = limits.get(subject);
      if (!quota) return { allowed: true };
      const u = current(subject);
      const dayReset = u.day + bucketSizeMs('day');
      const monthReset = nextMonthStart(u.month);
      const checks: [keyof QuotaLimits, number, number][] = [
        ['requestsPerDay', u.requestsDay, dayReset],
        ['requestsPerMonth', u.requestsMonth, monthReset],
        ['tokensPerDay', u.tokensDay, dayReset],
        ['tokensPerMonth', u.tokensMonth, monthReset],
      ];
      for (const [limit, used, resetAt] of checks) {
        const max = quota[limit];
        if (max !== null && max !== undefined && used >= max) return { allowed: false, limit, max, used, resetAt };
      }
      u.requestsDay++;
      u.requestsMonth++;
      return { allowed: true };
    },
    completed(event) {
      const subject = event.keyId ?? event.subject;
      if (subject === undefined || !limits.has(subject) || !event.tokens) return;
      const u = current(subject);
      u.tokensDay += event.tokens;
      u.tokensMonth += event.tokens;
    },
    usage(subject) {
      const { day: _d, month: _m, ...rest } = current(subject);
      return rest;
    },
  };
}
