/**
 * Slow and hoarding clients, at the socket level against a real server: a body or headers that trickle in are
 * cut off within the configured bounds, a request refused from its headers alone is answered and closed
 * without reading its body, one client address cannot hold more than its share of connections (while another
 * client's probe is still answered), and what the HTTP layer refuses keeps the {error, code} shape.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, parseRawResponse, trickle, type RawConnection } from './helpers/raw-http.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const RECEIVE_TIMEOUT_MS = 3000;
const HEADERS_TIMEOUT_MS = 1000;
const MAX_PER_CLIENT = 8;
/** Node checks the receive deadlines once a second (connectionsCheckingInterval): allow that, plus slack. */
const CHECK_SLACK_MS = 2000;

let server: TestServer;
let emptyRepository: string;

beforeAll(async () => {
  emptyRepository = mkdtempSync(path.join(tmpdir(), 'sluice-empty-models-'));
  server = await startTestServer({
    models: emptyRepository,
    receiveTimeoutMs: RECEIVE_TIMEOUT_MS,
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    maxConnectionsPerClient: MAX_PER_CLIENT,
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(emptyRepository, { recursive: true, force: true });
});

/** A request head that announces a large JSON body (10 MB: under --max-body-bytes) to a route that reads a body. */
function bigBodyHead(headers: Record<string, string>, contentLength = 10_000_000): string {
  const lines = Object.entries({
    host: 'sluice',
    'content-type': 'application/json',
    'content-length': String(contentLength),
    ...headers,
  }).map(([k, v]) => `${k}: ${v}`);
  return `POST /v2/repository/index HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

describe('slow clients', () => {
  it('cuts off an accepted request whose body trickles in, with a 408, within the receive timeout', async () => {
    const connection = await connectRaw(server.url);
    connection.send(bigBodyHead(server.auth));
    const stop = trickle(connection, 200);
    const closedAfterMs = await connection.closed;
    stop();
    expect(closedAfterMs).toBeGreaterThanOrEqual(RECEIVE_TIMEOUT_MS - 100);
    expect(closedAfterMs).toBeLessThan(RECEIVE_TIMEOUT_MS + CHECK_SLACK_MS);
    const response = parseRawResponse(connection.received());
    expect(response.status).toBe(408);
    expect(response.json).toEqual({ error: expect.any(String), code: 'SLUICE_ERR_RECEIVE_TIMEOUT' });
  });

  it('cuts off headers that trickle in, within the headers timeout', async () => {
    const connection = await connectRaw(server.url);
    connection.send('GET /v2/health/live HTTP/1.1\r\nhost: sluice\r\nx-slow: ');
    const stop = trickle(connection, 100);
    const closedAfterMs = await connection.closed;
    stop();
    expect(closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + CHECK_SLACK_MS);
    expect(parseRawResponse(connection.received()).json?.code).toBe('SLUICE_ERR_RECEIVE_TIMEOUT');
  });

  for (const [what, headers, status, code] of [
    ['no credentials (401)', {}, 401, 'SLUICE_ERR_UNAUTHENTICATED'],
    ['a body over --max-body-bytes (413)', 'admin', 413, 'SLUICE_ERR_BODY_TOO_LARGE'],
  ] as const) {
    it(`answers a request refused for ${what} at once and closes instead of reading the trickled body`, async () => {
      const connection = await connectRaw(server.url);
      connection.send(bigBodyHead(headers === 'admin' ? server.auth : headers, 100 * 1024 * 1024));
      const stop = trickle(connection, 100);
      const closedAfterMs = await connection.closed;
      stop();
      // Well before the receive timeout: the server stopped reading as soon as it had answered.
      expect(closedAfterMs).toBeLessThan(1000);
      const response = parseRawResponse(connection.received());
      expect(response.status).toBe(status);
      expect(response.json).toEqual({ error: expect.any(String), code });
      expect(response.headers.connection).toBe('close');
    });
  }
});

describe('connections per client address', () => {
  it('refuses connections past the cap with 503, and another client is still answered', async () => {
    const hoarder = { localAddress: '127.0.0.2' };
    const connections: RawConnection[] = [];
    const stops: (() => void)[] = [];
    for (let i = 0; i < 5 * MAX_PER_CLIENT; i++) {
      const connection = await connectRaw(server.url, hoarder);
      connection.send(bigBodyHead(server.auth));
      stops.push(trickle(connection, 200));
      connections.push(connection);
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
    const open = connections.filter((c) => !c.isClosed());
    expect(open).toHaveLength(MAX_PER_CLIENT);
    for (const refused of connections.filter((c) => c.isClosed())) {
      const response = parseRawResponse(refused.received());
      expect(response.status).toBe(503);
      expect(response.json).toEqual({ error: expect.any(String), code: 'SLUICE_ERR_TOO_MANY_CONNECTIONS' });
      expect(response.headers['retry-after']).toBe('1');
    }

    // The probe comes from another address (127.0.0.1) and is answered while the hoarder is at its cap.
    const probe = await fetch(`${server.url}/v2/health/live`, { signal: AbortSignal.timeout(2000) });
    expect(probe.status).toBe(200);

    // Once the receive timeout has cut the hoarder's connections off, its share is free again.
    await Promise.all(open.map((c) => c.closed));
    stops.forEach((stop) => stop());
    const again = await connectRaw(server.url, hoarder);
    again.send('GET /v2/health/live HTTP/1.1\r\nhost: sluice\r\nconnection: close\r\n\r\n');
    await again.closed;
    expect(parseRawResponse(again.received()).status).toBe(200);
  });
});

describe('requests the HTTP layer refuses keep the {error, code} shape', () => {
  for (const [what, bytes, status, code] of [
    ['a URL that does not decode', 'GET /% HTTP/1.1\r\nhost: sluice\r\nconnection: close\r\n\r\n', 400, 'SLUICE_ERR_BAD_REQUEST'],
    [
      'headers over the size limit',
      `GET /v2/health/live HTTP/1.1\r\nhost: sluice\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'SLUICE_ERR_HEADERS_TOO_LARGE',
    ],
    ['a malformed request line', 'NOT AN HTTP REQUEST\r\n\r\n', 400, 'SLUICE_ERR_BAD_REQUEST'],
    ['a malformed header', 'GET /v2/health/live HTTP/1.1\r\nhost sluice\r\n\r\n', 400, 'SLUICE_ERR_BAD_REQUEST'],
  ] as const) {
    it(`answers ${what} with ${status} ${code}`, async () => {
      const connection = await connectRaw(server.url);
      connection.send(bytes);
      await connection.closed;
      const response = parseRawResponse(connection.received());
      expect(response.status).toBe(status);
      expect(response.json).toEqual({ error: expect.any(String), code });
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });
  }
});
