/**
 * Seeded fuzzing of the HTTP layer itself (fast-check): raw request heads with generated methods, targets,
 * versions, headers and bodies — many of them malformed — sent over real sockets to a real server. Whatever
 * arrives, the server answers within a bound or closes, never with a 5xx, always in the {error, code} shape
 * for an error, and never with internals (stack frames, absolute paths).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRaw, parseRawResponse } from './helpers/raw-http.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const SEED = 20261201;
const RUNS = 500;
const RECEIVE_TIMEOUT_MS = 1500;
/** A case must be answered or closed within this (the receive timeout plus Node's once-a-second check). */
const ANSWER_BOUND_MS = RECEIVE_TIMEOUT_MS + 2500;

let server: TestServer;
let emptyRepository: string;

beforeAll(async () => {
  emptyRepository = mkdtempSync(path.join(tmpdir(), 'sluice-fuzz-models-'));
  server = await startTestServer({ models: emptyRepository, receiveTimeoutMs: RECEIVE_TIMEOUT_MS, headersTimeoutMs: RECEIVE_TIMEOUT_MS });
});

afterAll(async () => {
  await server?.close();
  rmSync(emptyRepository, { recursive: true, force: true });
});

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
// Weighted so most cases get past the parser to fastify's routes, and the rest probe the parser itself.
const method = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'), weight: 10 },
  token,
  fc.string({ maxLength: 8 }),
);
const knownPath = fc.constantFrom(
  '/v2',
  '/v2/health/live',
  '/v2/models/sentiment/infer',
  '/v2/repository/index',
  '/v2/repository/models/x/load',
  '/v1/embeddings',
  '/v1/models',
  '/admin/keys',
  '/metrics',
  '/openapi.json',
  '/docs',
);
const target = fc.oneof(
  knownPath,
  fc.tuple(knownPath, fc.string({ maxLength: 20 })).map(([p, tail]) => `${p}${tail}`),
  fc.constantFrom('/%', '/%zz', '/%00', '/..%2f..%2fetc/passwd', '*', 'http://evil/', '//', '/v2/models/%E0%A4%A/infer', '/?a=%'),
  fc.webPath(),
);
const version = fc.oneof(
  { arbitrary: fc.constant('HTTP/1.1'), weight: 12 },
  fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'http/1.1', ''),
  fc.string({ maxLength: 8 }),
);
const header = fc.oneof(
  { arbitrary: fc.tuple(token, fc.stringMatching(/^[ -~]{0,40}$/)).map(([name, value]) => `${name}: ${value}`), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      'content-type: application/json',
      'content-type: application/octet-stream',
      'content-type: text/plain',
      'authorization: Bearer sk_sluice_000000000000_AAAA',
      'authorization: Basic Zm9vOmJhcg==',
      'transfer-encoding: chunked',
      'transfer-encoding: gzip, chunked',
      'content-length: -1',
      'content-length: 1e3',
      'content-length: 5, 6',
      'inference-header-content-length: 0x6f',
      'expect: 100-continue',
      'connection: upgrade',
      'upgrade: websocket',
    ),
    weight: 4,
  },
  fc.string({ maxLength: 30 }),
  fc.nat({ max: 20_000 }).map((n) => `x-big: ${'a'.repeat(n)}`),
);
const body = fc.oneof(
  fc.constant(''),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"inputs":', '0\r\n\r\n', 'zz\r\nabc\r\n0\r\n\r\n', '{"model":["x"],"input":"hi"}'),
);
const request = fc
  .record({
    method,
    target,
    version,
    headers: fc.array(header, { maxLength: 6 }),
    body,
    contentLength: fc.oneof(fc.constant('exact'), fc.constant('none'), fc.nat({ max: 400 })),
  })
  .map(({ method, target, version, headers, body, contentLength }) => {
    const length =
      contentLength === 'exact'
        ? [`content-length: ${Buffer.byteLength(body)}`]
        : contentLength === 'none'
          ? []
          : [`content-length: ${contentLength}`];
    return `${method} ${target} ${version}\r\nhost: sluice\r\n${[...headers, ...length].join('\r\n')}\r\nconnection: close\r\n\r\n${body}`;
  });

/** {error, code}, or on the OpenAI-compatible routes OpenAI's {error: {message, code}} carrying the same code. */
function isCatalogueShaped(json: any): boolean {
  if (typeof json?.error === 'string') return typeof json.code === 'string';
  return typeof json?.error?.message === 'string' && typeof json.error.code === 'string';
}

/** Sends one raw request; resolves with what came back once the server closed (or the bound passed). */
async function exchange(raw: string): Promise<{ received: string; closedInTime: boolean }> {
  const connection = await connectRaw(server.url);
  connection.send(raw);
  const closedInTime = await Promise.race([
    connection.closed.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ANSWER_BOUND_MS)),
  ]);
  connection.socket.destroy();
  return { received: connection.received(), closedInTime };
}

describe('the HTTP layer under generated malformed requests', () => {
  it(`answers ${RUNS} seeded cases in bounded time, never 5xx, errors as {error, code}, no internals`, async () => {
    const cases = fc.sample(request, { seed: SEED, numRuns: RUNS });
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const parallel = 20;
    for (let i = 0; i < cases.length; i += parallel) {
      await Promise.all(
        cases.slice(i, i + parallel).map(async (raw) => {
          const { received, closedInTime } = await exchange(raw);
          const shown = JSON.stringify(raw.slice(0, 120));
          if (!closedInTime) problems.push(`not answered and closed within ${ANSWER_BOUND_MS} ms: ${shown}`);
          if (received === '') return; // closed without an answer: allowed only for bytes that are not HTTP at all
          const response = parseRawResponse(received);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (!(response.status >= 100 && response.status < 500)) problems.push(`status ${response.status}: ${shown}`);
          if (response.status >= 400 && received.split('\r\n\r\n', 2)[1] !== '' && !isCatalogueShaped(response.json)) {
            problems.push(`error not in the {error, code} shape (${received.slice(0, 200)}): ${shown}`);
          }
          if (/\n\s+at .+:\d+:\d+|\/work\/|\/home\/|node_modules|packages\/core/.test(received))
            problems.push(`internals in the answer: ${shown}`);
        }),
      );
    }
    expect(problems).toEqual([]);
    // The cases reach the routes too, not only the parser (which answers 400 to what is not HTTP).
    expect([...statuses.entries()].filter(([status]) => status !== 400).reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(RUNS / 4);
  }, 300_000);
});

describe('the Host header', () => {
  it('refuses an HTTP/1.1 request without Host in the {error, code} shape, and still serves HTTP/1.0 without one', async () => {
    const missing = await exchange('GET /v2/health/live HTTP/1.1\r\nconnection: close\r\n\r\n');
    const refused = parseRawResponse(missing.received);
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: 'an HTTP/1.1 request needs a Host header', code: 'SLUICE_ERR_BAD_REQUEST' });
    expect(missing.closedInTime).toBe(true);

    const old = parseRawResponse((await exchange('GET /v2/health/live HTTP/1.0\r\n\r\n')).received);
    expect(old.status).toBe(200);
  });
});
