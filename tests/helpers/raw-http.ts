/**
 * HTTP at the socket level (node:net), for what fetch cannot do: send a request head and then trickle its body,
 * hold connections open, send malformed bytes, and see exactly what the server answers and when it hangs up.
 */
import net from 'node:net';

export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far, as latin1 text. */
  received(): string;
  /** Resolves with the milliseconds from connect to the server's close (or a reset). */
  closed: Promise<number>;
  isClosed(): boolean;
  /** Writes bytes, ignoring a connection the server already closed. */
  send(text: string | Buffer): void;
}

export function connectRaw(url: string, options: { localAddress?: string } = {}): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port), ...options });
    const chunks: Buffer[] = [];
    const started = Date.now();
    let isClosed = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset shows up as 'close' too
    const closed = new Promise<number>((done) =>
      socket.once('close', () => {
        isClosed = true;
        done(Date.now() - started);
      }),
    );
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks).toString('latin1'),
        closed,
        isClosed: () => isClosed,
        send: (text) => {
          if (!socket.destroyed && socket.writable) socket.write(text);
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** The status code and the JSON body of the first response in `raw` (a whole HTTP/1.1 response). */
export function parseRawResponse(raw: string): { status: number; headers: Record<string, string>; json: any } {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  let json: any;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, json };
}

/** Sends one byte every `everyMs` until the connection closes; returns a stop function. */
export function trickle(connection: RawConnection, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (connection.isClosed()) clearInterval(timer);
    else connection.send('x');
  }, everyMs);
  return () => clearInterval(timer);
}
