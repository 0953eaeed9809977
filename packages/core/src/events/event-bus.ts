/**
 * The typed event bus behind `extensions.events`. emit() copies and freezes the payload, then schedules each
 * listener with setImmediate: a listener never runs inside the request that emitted, its exceptions and
 * rejections are logged and swallowed, and a slow (async) listener holds up nothing but itself. The one
 * exception is a listener subscribed as durable: it runs inside emit(), for records that must be committed
 * before the response (audit logs).
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

interface Subscription {
  listener: EventListener<never>;
  durable: boolean;
}

export function createEventBus(deps: { logger: FastifyBaseLogger }): EventBus {
  const subscriptions = new Map<keyof SluiceEvents, Set<Subscription>>();

  function report(event: string, error: unknown): void {
    deps.logger.error({ err: error, event }, 'an event listener failed (the request was not affected)');
  }

  function deliver(event: keyof SluiceEvents, listener: EventListener<never>, payload: unknown): void {
    try {
      const result = (listener as (payload: unknown) => unknown)(payload);
      if (result && typeof (result as Promise<void>).then === 'function') (result as Promise<void>).catch((error: unknown) => report(event, error));
    } catch (error) {
      report(event, error);
    }
  }

  return {
    on(event, listener, options = {}) {
      let set = subscriptions.get(event);
      if (!set) subscriptions.set(event, (set = new Set()));
      const subscription: Subscription = { listener: listener as EventListener<never>, durable: options.durable === true };
      set.add(subscription);
      return () => {
        set.delete(subscription);
      };
    },
    emit(event, payload) {
      const set = subscriptions.get(event);
      if (!set || set.size === 0) return;
      const frozen = deepFreeze(structuredClone(payload));
      for (const { listener, durable } of set) {
        if (durable) deliver(event, listener, frozen);
        else setImmediate(() => deliver(event, listener, frozen));
      }
    },
  };
}
