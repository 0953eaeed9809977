/**
 * OpenAI's error shape for the /v1 routes: {"error": {"message", "type", "param", "code"}}, with the
 * SLUICE_ERR_* code in `code` so clients of both APIs see the same catalogue.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { SluiceError, type ErrorCode } from '../../errors.js';
import { isCatalogueError, toSluiceError, type CatalogueLike } from '../error-handler.js';

/** A client mistake in one named body field (OpenAI reports it as `param`). */
export class OpenAiParamError extends SluiceError {
  constructor(
    readonly param: string,
    message: string,
    code: ErrorCode = 'SLUICE_ERR_BAD_REQUEST',
  ) {
    super(code, message);
  }
}

function typeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The body field a fastify schema-validation error is about, e.g. "dimensions". */
function validationParam(error: FastifyError): string | null {
  const first = error.validation?.[0];
  if (!first) return null;
  const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
  return missing ?? (first.instancePath.replace(/^\//, '').split('/')[0] || null);
}

export function sendOpenAiError(reply: FastifyReply, error: CatalogueLike, param: string | null = null): FastifyReply {
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  return reply
    .code(error.statusCode)
    .type('application/json; charset=utf-8')
    .send({
      error: { message: error.message, type: typeFor(error.statusCode), param, code: error.code },
    });
}

/** Installs the OpenAI-shaped error handler on the (encapsulated) /v1 scope. */
export function registerOpenAiErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Any catalogue's error (core's or a plugin's, e.g. a quota's 429) keeps its status, code and headers.
    const answer = isCatalogueError(error) ? error : toSluiceError(error);
    if (answer.statusCode >= 500) request.log.error({ err: error, code: answer.code }, 'request failed');
    else request.log.info({ code: answer.code, reason: answer.message }, 'request refused');
    const param = error instanceof OpenAiParamError ? error.param : validationParam(error);
    return sendOpenAiError(reply, answer, param);
  });
}
