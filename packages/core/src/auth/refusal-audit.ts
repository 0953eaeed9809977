/**
 * Audit events for refused requests (bad credentials, missing scope, a model outside a key's allow-list), without
 * one row per request: the first refusal of a kind is emitted at once, identical ones within the window are only
 * counted, and when the window ends one summary event carries `count` (how many it stands for). "Identical"
 * means the same action, client address, route, reason and claimed actor, so a summary describes its requests
 * exactly. Memory is bounded: at most `maxTracked` kinds are kept; the oldest is summarised and dropped first.
 */
import type { AuditEvent } from '../extensions.js';
import { clientAddressKey } from './client-address.js';

/** The actions that record a refusal at the door; anything else is audited one event per action. */
export const REFUSAL_ACTIONS: ReadonlySet<string> = new Set(['auth.failure', 'auth.denied', 'model.access']);

export function isRefusal(event: AuditEvent): boolean {
  return event.outcome !== 'success' && REFUSAL_ACTIONS.has(event.action);
}

interface Tracked {
  first: AuditEvent;
  windowEnd: number;
  /** Refusals after the first one, not yet emitted. */
  repeats: number;
  last?: AuditEvent;
}

export interface RefusalAudit {
  /** Emits the event now, or counts it towards its kind's summary. */
  record(event: AuditEvent, now?: number): void;
  /** Emits the summaries of windows that ended by `now`. */
  sweep(now?: number): void;
  /** Emits every pending summary (at shutdown). */
  flush(): void;
  /** Kinds currently tracked. */
  size(): number;
}

export interface RefusalAuditOptions {
  windowMs: number;
  maxTracked: number;
  /** Publishes an event; a throw from the first event of a kind reaches the request that caused it. */
  emit: (event: AuditEvent) => void;
  /** A summary could not be published (it goes out from a timer or another request): report, do not throw. */
  onSummaryError: (error: unknown, summary: AuditEvent) => void;
}

export function createRefusalAudit(options: RefusalAuditOptions): RefusalAudit {
  const tracked = new Map<string, Tracked>();

  function keyOf(event: AuditEvent): string {
    const address = event.ip === undefined ? '' : clientAddressKey(event.ip);
    return JSON.stringify([
      event.action,
      event.outcome,
      address,
      event.resource.type,
      event.resource.id,
      event.reason,
      event.actor.kind,
      event.actor.id,
    ]);
  }

  function summarise(entry: Tracked): void {
    if (entry.repeats === 0 || !entry.last) return;
    const { time, requestId } = entry.last;
    const summary: AuditEvent = { ...entry.first, time, ...(requestId ? { requestId } : {}), count: entry.repeats };
    try {
      options.emit(summary);
    } catch (error) {
      options.onSummaryError(error, summary);
    }
  }

  function release(key: string, entry: Tracked): void {
    tracked.delete(key);
    summarise(entry);
  }

  function sweep(now = Date.now()): void {
    for (const [key, entry] of tracked) if (entry.windowEnd <= now) release(key, entry);
  }

  return {
    record(event, now = Date.now()) {
      const key = keyOf(event);
      const entry = tracked.get(key);
      if (entry && entry.windowEnd > now) {
        entry.repeats += 1;
        entry.last = event;
        return;
      }
      if (entry) release(key, entry);
      if (tracked.size >= options.maxTracked) sweep(now);
      for (const [oldKey, oldEntry] of tracked) {
        if (tracked.size < options.maxTracked) break;
        release(oldKey, oldEntry);
      }
      tracked.set(key, { first: event, windowEnd: now + options.windowMs, repeats: 0 });
      options.emit(event);
    },
    sweep,
    flush() {
      for (const [key, entry] of tracked) release(key, entry);
    },
    size: () => tracked.size,
  };
}
