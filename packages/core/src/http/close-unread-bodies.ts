/**
 * A response sent before its request's body has arrived (a 401, 403, 413 or 503 decided from the headers) ends
 * the connection. Otherwise Node would keep reading the unwanted body to reuse the connection, and a client
 * that announces a huge Content-Length and trickles it could hold the connection for as long as it likes.
 */
import type { FastifyInstance } from 'fastify';

export function closeConnectionsWithUnreadBodies(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    const { raw } = request;
    const announcesBody = raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
    if (announcesBody && !raw.complete) reply.header('connection', 'close');
  });
}
