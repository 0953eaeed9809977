/** Builds audit events from a request (actor, ip, request id) and emits them; routes and plugins use this. */
import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditEvent } from '../extensions.js';

export type AuditFields = Pick<AuditEvent, 'action' | 'outcome' | 'resource'> & { reason?: string; actor?: AuditActor };

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { kind: 'anonymous' };
  return { kind: principal.kind, id: principal.id, ...(principal.name ? { name: principal.name } : {}) };
}

export function emitAudit(request: FastifyRequest, fields: AuditFields): void {
  const { actor, ...rest } = fields;
  request.server.sluice.extensions.events.emit('audit', {
    time: new Date().toISOString(),
    actor: actor ?? actorOf(request),
    ip: request.ip,
    requestId: request.id,
    ...rest,
  });
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
