/**
 * Optional forwarding of audit entries to a SIEM over HTTP(S). Entries reach the outbox table in the same
 * transaction that appends them, and leave it only after the webhook answered 2xx, so nothing is lost on a
 * crash or restart (delivery is at-least-once: `seq` and `hash` let the receiver drop duplicates). Failures
 * back off exponentially. This is the only enterprise code that opens a connection, and only to its URL: a
 * redirect is never followed (it would carry the entries and the authorization header to wherever the
 * answer points); it counts as a failed delivery and the log names the target's origin, so the operator can
 * configure the final URL.
 *
 * Request: POST <url>, content-type application/json, body {"source":"sluice","entries":[AuditEntry, ...]}
 * in seq order (a failed batch holds back newer entries, so a receiver never sees a gap), plus the configured headers (e.g. an authorization token; never logged).
 */
import type { FastifyBaseLogger } from 'fastify';
import type Database from 'better-sqlite3';

export interface SiemSettings {
  url: string;
  /** Extra request headers (e.g. authorization); their values are never logged. */
  headers?: Record<string, string>;
  /** Entries per request (default 100). */
  batchSize?: number;
  /** First retry delay (default 1000 ms), doubled per failure up to maxRetryMs (default 300000). */
  retryBaseMs?: number;
  maxRetryMs?: number;
  /** Per-request timeout (default 10000 ms). */
  timeoutMs?: number;
  /**
   * The most undelivered entries the outbox keeps (default 100000; SLUICE_AUDIT_SIEM_MAX_PENDING). At the
   * bound the oldest undelivered entries are dropped from the outbox (never from the audit log), counted in
   * sluice_audit_siem_dropped_total and logged; the SIEM then sees a gap in seq.
   */
  maxPending?: number;
}

export interface SiemForwarder {
  /** Schedules a delivery attempt soon (after an append). */
  kick(): void;
  /** Delivers what is due now; resolves when the attempt finished (tests and shutdown use it). */
  deliverDue(): Promise<{ sent: number; failed: boolean }>;
  pending(): number;
  stop(): Promise<void>;
}

export function validateSiemUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`audit SIEM URL "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new Error(`audit SIEM URL must be http(s), got ${parsed.protocol}`);
  return parsed;
}

/** The origin a redirect points to (never its path or query, which may hold secrets). */
function originOf(location: string | null, base: string): string {
  try {
    return location ? new URL(location, base).origin : 'nowhere (no Location)';
  } catch {
    return 'an invalid Location';
  }
}

export function createSiemForwarder(deps: { sqlite: Database.Database; settings: SiemSettings; logger: FastifyBaseLogger }): SiemForwarder {
  const { sqlite, settings, logger } = deps;
  const url = validateSiemUrl(settings.url).toString();
  const batchSize = settings.batchSize ?? 100;
  const base = settings.retryBaseMs ?? 1000;
  const max = settings.maxRetryMs ?? 300_000;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  // Strictly in seq order: the oldest entry's retry time governs the whole outbox (newer entries wait behind it).
  const oldest = sqlite.prepare('SELECT seq, entry, attempts, next_attempt_at FROM enterprise_audit_outbox ORDER BY seq LIMIT ?');
  const remove = sqlite.prepare('DELETE FROM enterprise_audit_outbox WHERE seq = ?');
  const retry = sqlite.prepare(
    'UPDATE enterprise_audit_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?',
  );
  const nextDue = sqlite.prepare('SELECT next_attempt_at AS at FROM enterprise_audit_outbox ORDER BY seq LIMIT 1');
  const count = sqlite.prepare('SELECT count(*) AS n FROM enterprise_audit_outbox');
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<{ sent: number; failed: boolean }> | undefined;
  let stopped = false;

  function schedule(delayMs: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => {
        timer = undefined;
        void forwarder.deliverDue();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
  }

  function scheduleNext(): void {
    const row = nextDue.get() as { at: number } | undefined;
    if (row) schedule(row.at - Date.now());
  }

  async function attempt(): Promise<{ sent: number; failed: boolean }> {
    let sent = 0;
    for (;;) {
      const rows = oldest.all(batchSize) as { seq: number; entry: string; attempts: number; next_attempt_at: number }[];
      if (rows.length === 0 || rows[0]!.next_attempt_at > Date.now()) return { sent, failed: false };
      let failure: string | undefined;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...settings.headers },
          body: `{"source":"sluice","entries":[${rows.map((r) => r.entry).join(',')}]}`,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status >= 300 && response.status < 400)
          failure = `HTTP ${response.status} redirect to ${originOf(response.headers.get('location'), url)} (not followed: configure the final URL)`;
        else if (!response.ok) failure = `HTTP ${response.status}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      if (failure === undefined) {
        sqlite.transaction(() => rows.forEach((r) => remove.run(r.seq)))();
        sent += rows.length;
        continue;
      }
      const attempts = rows[0]!.attempts + 1;
      const delay = Math.min(max, base * 2 ** (attempts - 1));
      sqlite.transaction(() => rows.forEach((r) => retry.run(Date.now() + delay, failure!, r.seq)))();
      logger.warn(
        { siem: new URL(url).origin, attempts, retryInMs: delay, error: failure, pending: rows.length },
        'audit SIEM delivery failed; will retry',
      );
      return { sent, failed: true };
    }
  }

  const forwarder: SiemForwarder = {
    kick() {
      if (!timer && !running) schedule(0);
    },
    deliverDue() {
      if (running) return running;
      running = attempt().finally(() => {
        running = undefined;
        scheduleNext();
      });
      return running;
    },
    pending: () => (count.get() as { n: number }).n,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
  scheduleNext(); // entries left from before a restart
  return forwarder;
}
