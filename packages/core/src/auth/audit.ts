/**
 * Builds audit events from a request (actor, ip, request id) and emits them; routes and plugins use this.
 *
 * Refusals (auth.failure, auth.denied, model.access denied) go through the server's refusal aggregator, so a
 * flood of refused requests costs a bounded number of audit events (see refusal-audit.ts). Events a strategy
 * emits while the auth plugin authenticates a request (e.g. its own "token rejected") are held until the
 * outcome is known: a refused request's are refusals too, and past the failed-auth limit none is written.
 *
 * Audit fails closed. A durable audit listener (the enterprise audit log) commits each event inside emit() and
 * throws when it cannot (disk full, read-only volume); emitAudit turns that into a 503
 * SLUICE_ERR_AUDIT_UNAVAILABLE. `audited` follows Vault's model: it records the intent ('requested') durably
 * BEFORE the action runs, so an action that cannot be recorded is refused with nothing done, then records
 * the outcome. Inference does not go through here and keeps running.
 */
import type { FastifyRequest } from 'fastify';
import { SluiceError } from '../errors.js';
import type { AuditActor, AuditEvent } from '../extensions.js';
import { isRefusal, type RefusalAudit } from './refusal-audit.js';

export type AuditFields = Pick<AuditEvent, 'action' | 'outcome' | 'resource'> & { reason?: string; actor?: AuditActor };

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { kind: 'anonymous' };
  return { kind: principal.kind, id: principal.id, ...(principal.name ? { name: principal.name } : {}) };
}

/** Emits an audit event; throws SLUICE_ERR_AUDIT_UNAVAILABLE (503) when a durable listener could not record it. */
export function emitAudit(
  request: FastifyRequest,
  fields: AuditFields,
  unrecorded = `"${fields.action}" was refused: the audit log cannot record it right now`,
): void {
  const { actor, ...rest } = fields;
  const event: AuditEvent = {
    time: new Date().toISOString(),
    actor: actor ?? actorOf(request),
    ip: request.ip,
    requestId: request.id,
    ...rest,
  };
  failClosed(request, event, unrecorded, () => publishAudit(request, event));
}

/** Runs a publication; a listener's failure to record becomes a 503 (and a log line), never a 500. */
function failClosed(request: FastifyRequest, event: AuditEvent, unrecorded: string, publish: () => void): void {
  try {
    publish();
  } catch (error) {
    request.log.error({ err: error, action: event.action, outcome: event.outcome }, 'the audit log cannot record an event');
    throw new SluiceError('SLUICE_ERR_AUDIT_UNAVAILABLE', unrecorded, { cause: error });
  }
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
  for (const event of held) {
    failClosed(request, event, 'the request was refused: the audit log cannot record it right now', () =>
      publishAudit(request, event, how === 'as-refusals' || isRefusal(event)),
    );
  }
}

/**
 * Runs an action that must be audited: records the intent first (if that fails, the action does not run and
 * the caller gets a 503), then the outcome (success, or failure with the error message, rethrowing errors).
 */
export async function audited<T>(request: FastifyRequest, fields: Omit<AuditFields, 'outcome'>, action: () => Promise<T> | T): Promise<T> {
  emitAudit(request, { ...fields, outcome: 'requested' });
  let result: T;
  try {
    result = await action();
  } catch (error) {
    try {
      emitAudit(request, { ...fields, outcome: 'failure', reason: (error as Error).message });
    } catch {
      // Already logged; the action's own error tells the caller more (its intent is on record).
    }
    throw error;
  }
  emitAudit(
    request,
    { ...fields, outcome: 'success' },
    `"${fields.action}" was carried out, but its outcome could not be recorded in the audit log (its intent was)`,
  );
  return result;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Aggregates refusal audit events (installed by the auth plugin). */
    sluiceRefusalAudit?: RefusalAudit;
  }
}
