/**
 * What a graceful stop waits for before it closes the listener. Node's server.close() destroys every
 * connection it deems idle, and a connection whose large response has been handed to res.end() but not yet
 * written out counts as idle: its client would get a truncated body and a reset. So the stop first waits
 * until every response has been written out, and until kept-alive connections have closed on their own
 * (each response says Connection: close while draining; idle ones end after the keep-alive timeout, which
 * clients are told about), so no client is cut off while it sends a request on one.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface TrafficDrain {
  /** Resolves once no response is being written and no connection is open (or, for the connections only, after
   * `idleGraceMs`); gives up waiting at `deadline` (a Date.now() value). */
  quiet(options: { idleGraceMs: number; deadline: number }): Promise<void>;
}

const POLL_MS = 25;

export function trackTraffic(server: Server): TrafficDrain {
  const connections = new Set<Socket>();
  let responsesInFlight = 0;
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  server.on('request', (_request, response) => {
    responsesInFlight += 1;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      responsesInFlight -= 1;
    };
    // 'finish': the last byte was handed to the OS; 'close': the client went away first.
    response.once('finish', finished);
    response.once('close', finished);
  });
  return {
    async quiet({ idleGraceMs, deadline }) {
      const idleUntil = Date.now() + idleGraceMs;
      while (Date.now() < deadline) {
        if (responsesInFlight === 0 && (connections.size === 0 || Date.now() >= idleUntil)) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
}
