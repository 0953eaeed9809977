/**
 * A cap on the connections one client address may hold open at once, so a single client (slow trickles, or
 * plain hoarding) cannot use up the process's file descriptors and starve everyone else, probes included.
 * A connection past the cap is answered 503 SLUICE_ERR_TOO_MANY_CONNECTIONS as soon as its request head
 * arrives (its body is never read) and closed; one that has not sent it within a second is closed unanswered.
 * Counted on the TCP peer address, keyed as the failed-auth limiter keys it (IPv6 per /64, IPv4-mapped as
 * IPv4), so one client cannot rotate through addresses of its own prefix. Behind a reverse proxy every client
 * shares the proxy's address, so raise the cap there (or set 0 to turn it off and let the proxy enforce it).
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { clientAddressKey } from '../auth/client-address.js';
import { SluiceError } from '../errors.js';

/** How long a refused connection has to send its request head before it is closed without an answer. */
const REFUSED_GRACE_MS = 1000;

export function limitConnectionsPerClient(app: FastifyInstance, maxPerClient: number): void {
  if (maxPerClient <= 0) return;
  const open = new Map<string, number>();
  const refused = new WeakSet<Socket>();
  app.server.on('connection', (socket: Socket) => {
    const address = clientAddressKey(socket.remoteAddress ?? 'unknown');
    const count = (open.get(address) ?? 0) + 1;
    if (count > maxPerClient) {
      refused.add(socket);
      const deadline = setTimeout(() => socket.destroy(), REFUSED_GRACE_MS).unref();
      socket.once('close', () => clearTimeout(deadline));
      app.log.warn({ remoteAddress: address, maxConnectionsPerClient: maxPerClient }, 'connection refused: too many from this client');
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  app.addHook('onRequest', async (request) => {
    if (!refused.has(request.raw.socket)) return;
    throw new SluiceError('SLUICE_ERR_TOO_MANY_CONNECTIONS', `too many open connections from this client (at most ${maxPerClient})`, {
      headers: { 'retry-after': '1', connection: 'close' },
    });
  });
}
