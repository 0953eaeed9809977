/**
 * The default rate-limit store: fixed windows counted in this process's memory (so limits are per replica).
 * Implements @fastify/rate-limit's store contract, like the shared stores a plugin can install instead.
 */
import type { RateLimitStore } from '../extensions.js';

interface Window {
  count: number;
  resetAt: number;
}

export function createMemoryRateLimitStore(options: { maxKeys?: number } = {}): RateLimitStore {
  const maxKeys = options.maxKeys ?? 50_000;
  const windows = new Map<string, Window>();

  function prune(now: number): void {
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    // Still full of live windows: drop the oldest entries (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  }

  return {
    incr(key, callback, timeWindow) {
      const now = Date.now();
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        if (!window && windows.size >= maxKeys) prune(now);
        window = { count: 0, resetAt: now + timeWindow };
        windows.set(key, window);
      }
      window.count += 1;
      callback(null, { current: window.count, ttl: window.resetAt - now });
    },
  };
}
