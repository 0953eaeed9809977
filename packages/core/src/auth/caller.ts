/** Who made an inference request, as the inference service reports it to `inference.completed` listeners. */
import type { FastifyRequest } from 'fastify';

export interface InferenceCaller {
  principalKind?: string;
  /** The API key id or the subject. */
  principalId?: string;
  requestId?: string;
}

export function callerOf(request: FastifyRequest): InferenceCaller {
  const principal = request.principal;
  return { ...(principal ? { principalKind: principal.kind, principalId: principal.id } : {}), requestId: request.id };
}
