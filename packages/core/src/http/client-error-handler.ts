/**
 * Node's HTTP parser reports requests it cannot hand to fastify (malformed request line, oversized headers, a
 * request that did not arrive within the receive timeouts) as `clientError`. They get the catalogue's shape,
 * and the connection is closed: the byte stream can no longer be trusted.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../errors.js';
import { rawErrorResponse } from './raw-error-response.js';

function errorFor(code: string | undefined): SluiceError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return new SluiceError(
      'SLUICE_ERR_RECEIVE_TIMEOUT',
      'the request did not arrive in time (see --headers-timeout-ms and --receive-timeout-ms)',
    );
  }
  if (code === 'HPE_HEADER_OVERFLOW') return new SluiceError('SLUICE_ERR_HEADERS_TOO_LARGE', 'the request headers are too large');
  return new SluiceError('SLUICE_ERR_BAD_REQUEST', 'the request is not valid HTTP');
}

export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = errorFor(error.code);
  this.log.info({ code: answer.code, reason: error.code ?? error.message, remoteAddress: socket.remoteAddress }, 'connection refused');
  // A response already under way (e.g. a 401 while the body was still arriving) must not get a second one.
  const response = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !response?.headersSent) socket.end(rawErrorResponse(answer), () => socket.destroy());
  else socket.destroy();
}
