/**
 * A request's deadline: the one object that says when nobody waits for an answer any more. The HTTP layer
 * creates it per request (--request-timeout-ms) and hands it down through the inference service, the
 * batcher and the worker pool; each layer stops its own work when it expires: the service answers
 * SLUICE_ERR_REQUEST_TIMEOUT, the batcher drops the request from its queue, the pool never sends a call
 * that expired while waiting and recycles a worker still running one that every waiter gave up on.
 */
import { SluiceError } from '../errors.js';

type Listener = () => void;

export class Deadline {
  private readonly listeners = new Set<Listener>();
  private timer?: NodeJS.Timeout;

  /** `expiresAt` is wall-clock milliseconds (Date.now()), comparable in every thread and process. */
  private constructor(readonly expiresAt: number) {}

  static after(timeoutMs: number): Deadline {
    return new Deadline(Date.now() + timeoutMs);
  }

  /** For callers without a client waiting on a clock (start-up checks, in-process use). */
  static never(): Deadline {
    return new Deadline(Infinity);
  }

  /** The deadline of work done for several requests at once: it ends when the last of them gives up. */
  static latest(deadlines: readonly Deadline[]): Deadline {
    if (deadlines.length === 1) return deadlines[0]!;
    return new Deadline(deadlines.reduce((latest, d) => Math.max(latest, d.expiresAt), -Infinity));
  }

  get expired(): boolean {
    return Date.now() >= this.expiresAt;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - Date.now());
  }

  timeoutError(what = 'the inference'): SluiceError {
    return new SluiceError('SLUICE_ERR_REQUEST_TIMEOUT', `${what} did not finish within the request time limit`, {
      headers: { 'retry-after': '1' },
    });
  }

  /** Calls `listener` once when the deadline passes (at once if it has); returns the unsubscribe function. */
  onExpire(listener: Listener): () => void {
    if (this.expiresAt === Infinity) return () => undefined;
    if (this.expired) {
      queueMicrotask(listener);
      return () => undefined;
    }
    this.listeners.add(listener);
    this.timer ??= setTimeout(() => this.fire(), this.remainingMs()).unref();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Settles with `work`, or rejects with SLUICE_ERR_REQUEST_TIMEOUT once the deadline passes. */
  race<T>(work: Promise<T>, what?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const unsubscribe = this.onExpire(() => reject(this.timeoutError(what)));
      work.then(resolve, reject).finally(unsubscribe);
    });
  }

  private fire(): void {
    this.timer = undefined;
    // A timer may fire a little early relative to Date.now(); re-arm rather than fire before the deadline.
    if (!this.expired) {
      this.timer = setTimeout(() => this.fire(), Math.max(1, this.remainingMs())).unref();
      return;
    }
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener();
  }
}
