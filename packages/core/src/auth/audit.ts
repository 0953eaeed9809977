/**
 * Builds audit events from a request (actor, ip, request id) and emits them; routes and plugins use this.
 * Refusals (auth.failure, auth.denied, model.access denied) go through the server's refusal aggregator, so a
 * flood of refused requests costs a bounded number of audit events (see refusal-audit.ts). Events a strategy
 * emits while the auth plugin authenticates a request (e.g. its own "token rejected") are held until the
 * outcome is known: a refused request's are refusals too, and past the failed-auth limit none is written.
 */
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditEvent } from '../extensions.js';
import { isRefusal, type RefusalAudit } from './refusal-audit.js';

export type AuditFields = Pick<AuditEvent, 'action' | 'outcome' | 'resource'> & { reason?: string; actor?: AuditActor };

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { kind: 'anonymous' };
  return { kind: principal.kind, id: principal.id, ...(principal.name ? { name: principal.name } : {}) };
}

export function emitAudit(request: FastifyRequest, fields: AuditFields): void {
  const { actor, ...rest } = fields;
  const event: AuditEvent = {
    time: new Date().toISOString(),
    actor: actor ?? actorOf(request),
    ip: request.ip,
    requestId: request.id,
    ...rest,
  };
  publishAudit(request, event);
}

const heldWhileAuthenticating = new WeakMap<FastifyRequest, AuditEvent[]>();

/** Hands an event to the listeners; refusals go through the server's aggregator (refusal-audit.ts). */
function publishAudit(request: FastifyRequest, event: AuditEvent, refusal = isRefusal(event)): void {
  const held = heldWhileAuthenticating.get(request);
  if (held) {
    held.push(event);
    return;
  }
  const refusals = request.server.sluiceRefusalAudit;
  if (refusals && refusal) refusals.record(event);
  else request.server.sluice.extensions.events.emit('audit', event);
}

/** From now until releaseHeldAudit, this request's audit events wait (the auth plugin, while authenticating). */
export function holdAudit(request: FastifyRequest): void {
  heldWhileAuthenticating.set(request, []);
}

/**
 * Ends holding: 'publish' (the request was authenticated), 'as-refusals' (it was refused: the events are
 * summarised like other refusals) or 'discard' (refused past the failed-auth limit: nothing is written).
 */
export function releaseHeldAudit(request: FastifyRequest, how: 'publish' | 'as-refusals' | 'discard'): void {
  const held = heldWhileAuthenticating.get(request);
  if (!held) return;
  heldWhileAuthenticating.delete(request);
  if (how === 'discard') return;
  for (const event of held) publishAudit(request, event, how === 'as-refusals' || isRefusal(event));
}

/** Runs an action and audits its outcome (success, or failure with the error message), rethrowing errors. */
export async function audited<T>(request: FastifyRequest, fields: Omit<AuditFields, 'outcome'>, action: () => Promise<T> | T): Promise<T> {
  try {
    const result = await action();
    emitAudit(request, { ...fields, outcome: 'success' });
    return result;
  } catch (error) {
    emitAudit(request, { ...fields, outcome: 'failure', reason: (error as Error).message });
    throw error;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Aggregates refusal audit events (installed by the auth plugin). */
    sluiceRefusalAudit?: RefusalAudit;
  }
}
