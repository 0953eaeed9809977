/**
 * The moment after which nobody waits for a request's answer any more (its client already got a timeout).
 * The HTTP layer sets it per request; the batcher reads it when a request enters its queue, so a request
 * that timed out while still queued is dropped instead of run. AsyncLocalStorage carries it because the
 * call chain (route -> inference service -> task -> batcher) has no parameter for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

const storage = new AsyncLocalStorage<{ deadline: number }>();

/** Runs `work` with a deadline `timeoutMs` from now (performance.now() clock). */
export function runWithQueueDeadline<T>(timeoutMs: number, work: () => T): T {
  return storage.run({ deadline: performance.now() + timeoutMs }, work);
}

/** The current request's deadline, or Infinity outside a request (e.g. in-process callers). */
export function currentQueueDeadline(): number {
  return storage.getStore()?.deadline ?? Infinity;
}
