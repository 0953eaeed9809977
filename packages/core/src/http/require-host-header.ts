/**
 * HTTP/1.1 requires a Host header (RFC 9112 §3.2). Node refuses a request without one itself, with an empty
 * 400 that leaves the catalogue's `{error, code}` shape; so Node's check is switched off (`requireHostHeader:
 * false` in app.ts) and this hook, registered before every other, refuses the request the same way instead.
 */
import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../errors.js';

export function requireHostHeader(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const { httpVersionMajor, httpVersionMinor, headers } = request.raw;
    if (httpVersionMajor === 1 && httpVersionMinor >= 1 && !headers.host) {
      reply.header('connection', 'close');
      throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'an HTTP/1.1 request needs a Host header');
    }
  });
}
