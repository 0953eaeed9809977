/**
 * Builds audit events from a request (actor, ip, request id) and emits them; routes and plugins use this.
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

export type AuditFields = Pick<AuditEvent, 'action' | 'outcome' | 'resource'> & { reason?: string; actor?: AuditActor };

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { kind: 'anonymous' };
  return { kind: principal.kind, id: principal.id, ...(principal.name ? { name: principal.name } : {}) };
}

/** Emits an audit event; throws SLUICE_ERR_AUDIT_UNAVAILABLE (503) when a durable listener could not record it. */
export function emitAudit(request: FastifyRequest, fields: AuditFields, unrecorded = `"${fields.action}" was refused: the audit log cannot record it right now`): void {
  const { actor, ...rest } = fields;
  try {
    request.server.sluice.extensions.events.emit('audit', {
      time: new Date().toISOString(),
      actor: actor ?? actorOf(request),
      ip: request.ip,
      requestId: request.id,
      ...rest,
    });
  } catch (error) {
    request.log.error({ err: error, action: fields.action, outcome: fields.outcome }, 'the audit log cannot record an event');
    throw new SluiceError('SLUICE_ERR_AUDIT_UNAVAILABLE', unrecorded, { cause: error });
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
  emitAudit(request, { ...fields, outcome: 'success' }, `"${fields.action}" was carried out, but its outcome could not be recorded in the audit log (its intent was)`);
  return result;
}
