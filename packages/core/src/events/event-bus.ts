/**
 * The typed event bus behind `extensions.events`. emit() copies and freezes the payload, then schedules each
 * listener with setImmediate: a listener never runs inside the request that emitted, its exceptions and
 * rejections are logged and swallowed, and a slow (async) listener holds up nothing but itself.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EventBus, EventListener, SluiceEvents } from '../extensions.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export function createEventBus(deps: { logger: FastifyBaseLogger }): EventBus {
  const listeners = new Map<keyof SluiceEvents, Set<EventListener<never>>>();

  function report(event: string, error: unknown): void {
    deps.logger.error({ err: error, event }, 'an event listener failed (the request was not affected)');
  }

  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as EventListener<never>);
      return () => {
        set.delete(listener as EventListener<never>);
      };
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set || set.size === 0) return;
      const frozen = deepFreeze(structuredClone(payload));
      for (const listener of set) {
        setImmediate(() => {
          try {
            const result = (listener as EventListener<typeof event>)(frozen);
            if (result && typeof (result as Promise<void>).then === 'function') (result as Promise<void>).catch((error: unknown) => report(event, error));
          } catch (error) {
            report(event, error);
          }
        });
      }
    },
  };
}
