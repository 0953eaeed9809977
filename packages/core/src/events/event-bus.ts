/**
 * The typed event bus behind `extensions.events`. emit() copies and freezes the payload, then schedules each
 * listener with setImmediate: a listener never runs inside the request that emitted, its exceptions and
 * rejections are logged and swallowed, and a slow (async) listener holds up nothing but itself.
 *
 * The one exception is a listener subscribed as durable (an audit log): it runs inside emit(), so its record
 * is committed before the emitting request goes on, and its failure is thrown to the emitter. A record that
 * must exist and could not be written means the emitter must not carry on as if it had been (audit fails
 * closed); the other listeners are then not called either, since the event did not happen.
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

  /** Calls a listener; a synchronous throw propagates, a rejection (which nobody can wait for) is logged. */
  function call(event: keyof SluiceEvents, listener: EventListener<never>, payload: unknown): void {
    const result = (listener as (payload: unknown) => unknown)(payload);
    if (result && typeof (result as Promise<void>).then === 'function')
      (result as Promise<void>).catch((error: unknown) => report(event, error));
  }

  function deliverLater(event: keyof SluiceEvents, listener: EventListener<never>, payload: unknown): void {
    try {
      call(event, listener, payload);
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
      const all = [...set];
      for (const { listener, durable } of all) if (durable) call(event, listener, frozen);
      for (const { listener, durable } of all) if (!durable) setImmediate(() => deliverLater(event, listener, frozen));
    },
  };
}
