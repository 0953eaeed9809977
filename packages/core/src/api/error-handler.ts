/**
 * One error shape for every route: {"error": message, "code": SLUICE_ERR_*}. Fastify's own errors (body too
 * large, bad JSON, unknown content type) are mapped onto the catalogue so a client's mistake is never a 500.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERROR_CATALOGUE, SluiceError, isSluiceError, type ErrorCode } from '../errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'SLUICE_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SLUICE_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SLUICE_ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SLUICE_ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'SLUICE_ERR_BAD_REQUEST',
  FST_ERR_VALIDATION: 'SLUICE_ERR_BAD_REQUEST',
};

export function sendError(reply: FastifyReply, error: CatalogueLike): FastifyReply {
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send({ error: error.message, code: error.code });
}

export function toSluiceError(error: FastifyError | Error): SluiceError {
  if (isSluiceError(error)) return error;
  const fastifyCode = (error as FastifyError).code;
  const mapped = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped) return new SluiceError(mapped, error.message);
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400)
    return new SluiceError('SLUICE_ERR_BAD_REQUEST', `the body is not valid JSON: ${error.message}`);
  const status = (error as FastifyError).statusCode;
  if (status === 429) return new SluiceError('SLUICE_ERR_BAD_REQUEST', error.message); // replaced by the rate-limit plugin's own handler
  if (status && status >= 400 && status < 500) return new SluiceError('SLUICE_ERR_BAD_REQUEST', error.message);
  return new SluiceError('SLUICE_ERR_INTERNAL', `internal error (request id in the x-request-id header)`, { cause: error });
}

/**
 * An error from any catalogue (core's, or a plugin's SLUICE_<X>_ERR_*): a code and an HTTP status. Checked by
 * shape rather than by class, so a plugin built against another copy of core (or none) may simply throw one.
 */
export interface CatalogueLike extends Error {
  code: string;
  statusCode: number;
  headers?: Record<string, string>;
}

export function isCatalogueError(error: unknown): error is CatalogueLike {
  const { code, statusCode } = error as Partial<CatalogueLike>;
  return (
    typeof code === 'string' &&
    /^SLUICE_(?:[A-Z]+_)?ERR_[A-Z0-9_]+$/.test(code) &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 600
  );
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = isCatalogueError(error) ? error : toSluiceError(error);
    if (answer.statusCode >= 500) request.log.error({ err: error, code: answer.code }, 'request failed');
    else request.log.info({ code: answer.code, reason: answer.message }, 'request refused');
    return sendError(reply, answer);
  });
  app.setNotFoundHandler((request, reply) => {
    return sendError(reply, new SluiceError('SLUICE_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** The error response schema every route documents. */
export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
  },
  required: ['error', 'code'],
} as const;
