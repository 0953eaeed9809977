/**
 * Counts refused credentials per client address in fixed windows. Past `max` refusals in a window an address
 * is answered 429 (with Retry-After) instead of 401, and its refusals are no longer audited one by one: nobody
 * can fill the disk or guess credentials at full speed without a key. Valid credentials from the same address
 * still pass (a client behind the same proxy or NAT as an attacker is not locked out).
 * Memory is bounded: at most `maxAddresses` windows are kept (expired ones go first, then the oldest).
 */
import { clientAddressKey } from './client-address.js';

export interface FailedAuthLimits {
  /** Refusals allowed per address per window. */
  max: number;
  windowMs: number;
  /** Most addresses tracked at once. */
  maxAddresses: number;
}

export type FailedAuthVerdict =
  | { limited: false }
  /** `firstInWindow`: this is the first refusal over the limit in the window (log it once, not every time). */
  | { limited: true; retryAfterSeconds: number; firstInWindow: boolean };

interface Window {
  count: number;
  resetAt: number;
}

export interface FailedAuthLimiter {
  /** Counts one refusal from `ip` and says whether the address is over its limit. */
  refused(ip: string, now?: number): FailedAuthVerdict;
  /** Addresses currently tracked (for tests and metrics). */
  size(): number;
}

export function createFailedAuthLimiter(limits: FailedAuthLimits): FailedAuthLimiter {
  const windows = new Map<string, Window>();

  function makeRoom(now: number): void {
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size < limits.maxAddresses) break;
      windows.delete(key); // Map iterates in insertion order: the oldest windows go first
    }
  }

  return {
    refused(ip, now = Date.now()) {
      const key = clientAddressKey(ip);
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        windows.delete(key);
        if (windows.size >= limits.maxAddresses) makeRoom(now);
        window = { count: 0, resetAt: now + limits.windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      if (window.count <= limits.max) return { limited: false };
      return {
        limited: true,
        retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
        firstInWindow: window.count === limits.max + 1,
      };
    },
    size: () => windows.size,
  };
}
