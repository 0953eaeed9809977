/**
 * Builds audit events from a request (actor, ip, request id) and emits them; routes and plugins use this.
 * Refusals (auth.failure, auth.denied, model.access denied) go through the server's refusal aggregator, so a
 * flood of refused requests costs a bounded number of audit events (see refusal-audit.ts).
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

/** Hands an event to the listeners; refusals go through the server's aggregator (refusal-audit.ts). */
function publishAudit(request: FastifyRequest, event: AuditEvent): void {
  const refusals = request.server.sluiceRefusalAudit;
  if (refusals && isRefusal(event)) refusals.record(event);
  else request.server.sluice.extensions.events.emit('audit', event);
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
