/**
 * Graceful shutdown of the real `sluice serve` process, over repeated trials: a large response being written
 * when SIGTERM arrives is written out whole, and clients on kept-alive connections that follow HTTP (a new
 * connection after `Connection: close`, a pause for `Retry-After`) get answers — 200, or 503
 * SLUICE_ERR_SHUTTING_DOWN — and then a refused connection once the server has gone, never a reset.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCli } from './helpers/cli-process.js';
import { identityModel, writeModel } from './helpers/identity-models.js';
import { connectRaw } from './helpers/raw-http.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-shutdown-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const repository = path.join(scratch, 'models');
writeModel(repository, 'identity', 1, identityModel('uint8'));

const TRIALS = 3;
/** Larger than the loopback socket buffers, so most of it is still in the server's hands when SIGTERM comes. */
const OUTPUT_BYTES = 24 * 1024 * 1024;

/** A V2 binary request whose output `y` comes back as OUTPUT_BYTES of binary data. */
function largeOutputRequest(auth: Record<string, string>): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'x', shape: [1, OUTPUT_BYTES], datatype: 'UINT8', parameters: { binary_data_size: OUTPUT_BYTES } }],
      outputs: [{ name: 'y', parameters: { binary_data: true } }],
    }),
  );
  const head = [
    'POST /v2/models/identity/infer HTTP/1.1',
    'host: sluice',
    'content-type: application/octet-stream',
    `inference-header-content-length: ${header.byteLength}`,
    `content-length: ${header.byteLength + OUTPUT_BYTES}`,
    ...Object.entries(auth).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), header, Buffer.alloc(OUTPUT_BYTES, 7)]);
}

interface Outcome {
  status?: number;
  code?: string;
  retryAfterMs?: number;
  error?: string;
  reusedSocket: boolean;
}

/**
 * Requests one after another on one kept-alive connection (the agent opens a fresh one when the server says
 * Connection: close), pausing as a 503's Retry-After asks, until the server refuses connections or the test stops.
 */
function keepAliveClient(url: string, auth: Record<string, string>, stopped: () => boolean): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const outcomes: Outcome[] = [];
  const once = () =>
    new Promise<Outcome>((resolve) => {
      const request = http.get(`${url}/v2/models/identity`, { agent, headers: auth }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += String(chunk)));
        response.on('end', () =>
          resolve({
            status: response.statusCode,
            code: response.statusCode === 200 ? undefined : JSON.parse(body).code,
            retryAfterMs: Number(response.headers['retry-after'] ?? 0) * 1000,
            reusedSocket: request.reusedSocket,
          }),
        );
        response.on('error', (error) =>
          resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message, reusedSocket: request.reusedSocket }),
        );
      });
      request.on('error', (error) =>
        resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message, reusedSocket: request.reusedSocket }),
      );
    });
  return (async () => {
    while (!stopped()) {
      const outcome = await once();
      outcomes.push(outcome);
      if (outcome.error === 'ECONNREFUSED') break; // the listener is closed: the server has gone
      await new Promise((resolve) => setTimeout(resolve, outcome.retryAfterMs || 10));
    }
    agent.destroy();
    return outcomes;
  })();
}

describe('sluice serve on SIGTERM', () => {
  for (let trial = 1; trial <= TRIALS; trial++) {
    it(`trial ${trial}: writes out the large response in flight and answers kept-alive requests, then exits 0`, async () => {
      const server = await serveCli([
        '--models',
        repository,
        '--data',
        path.join(scratch, `data-${trial}`),
        '--workers',
        '1',
        '--keep-alive-timeout-ms',
        '1000',
      ]);
      expect(server.adminToken).toBeDefined();
      const auth = { authorization: `Bearer ${server.adminToken}` };
      let stop = false;
      const clients = Array.from({ length: 4 }, () => keepAliveClient(server.url, auth, () => stop));

      // The large response has started arriving; the client then stops reading for a while.
      const large = await connectRaw(server.url);
      large.send(largeOutputRequest(auth));
      await new Promise<void>((resolve) => large.socket.once('data', () => resolve()));
      large.socket.pause();
      server.child.kill('SIGTERM');
      await server.waitFor((line) => line.msg === 'signal received');
      await new Promise((resolve) => setTimeout(resolve, 500));
      large.socket.resume();
      await large.closed;

      const received = Buffer.from(large.received(), 'latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      const head = received.subarray(0, headEnd).toString('latin1');
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      const contentLength = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
      expect(contentLength).toBeGreaterThan(OUTPUT_BYTES);
      expect(received.byteLength - headEnd - 4).toBe(contentLength);

      expect(await server.exited).toEqual({ code: 0, signal: null });
      stop = true;
      const outcomes = (await Promise.all(clients)).flat();
      // Every request got an answer while the server was there, and a clean refusal once it had gone.
      const kinds = new Set(outcomes.map((o) => o.error ?? `${o.status} ${o.code ?? ''}`.trim()));
      expect([...kinds].filter((kind) => !['200', '503 SLUICE_ERR_SHUTTING_DOWN', 'ECONNREFUSED'].includes(kind))).toEqual([]);
      expect(kinds.has('503 SLUICE_ERR_SHUTTING_DOWN')).toBe(true);
    }, 120_000);
  }
});
