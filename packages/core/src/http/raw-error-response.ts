/**
 * A catalogue error written straight onto a socket, for the moments before fastify has a request to answer
 * (a malformed request line, headers too large, a receive timeout, a refused connection). Same body shape as
 * every other error: {"error", "code"}; the connection is always closed afterwards.
 */
import { STATUS_CODES } from 'node:http';
import { SluiceError } from '../errors.js';

export function rawErrorResponse(error: SluiceError): string {
  const body = JSON.stringify({ error: error.message, code: error.code });
  const headers = [
    `HTTP/1.1 ${error.statusCode} ${STATUS_CODES[error.statusCode] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${headers.join('\r\n')}\r\n\r\n${body}`;
}
