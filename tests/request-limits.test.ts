/**
 * One request cannot freeze the server: sizes are bounded before any work (413 with a code), text is
 * tokenized in the ORT worker (liveness answers throughout a large embeddings request), and a request's
 * deadline stops its work — a timed-out tokenization stops between texts, a timed-out native run has its
 * worker recycled — so the next request is served at once instead of after the abandoned one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeEncoderModel } from './helpers/batching-models.js';
import { slowMatMulModel, writeModel } from './helpers/identity-models.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

/** ~60 KB of prose: within --max-text-bytes (64 KiB), and slow to tokenize. */
const LONG_TEXT = 'the quick brown fox jumps over the lazy dog while reading embeddings '.repeat(900).slice(0, 60_000);
/** 64 such texts: 3.84 MB, within --max-request-text-bytes (4 MiB). */
const HEAVY_BATCH = Array.from({ length: 64 }, (_, i) => `${i} ${LONG_TEXT}`);

describe('request limits and deadlines', () => {
  let repository: string;
  let server: TestServer;
  let strict: TestServer;
  const embed = (target: TestServer, texts: string[]) =>
    postJson(
      `${target.url}/v2/models/encoder/infer`,
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [texts.length], data: texts }] },
      target.auth,
    );

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-limits-'));
    writeEncoderModel(repository, 'encoder', { dynamicBatching: { enabled: true, max_batch_size: 64 } });
    writeModel(repository, 'slow', 1, slowMatMulModel());
    server = await startTestServer({ models: repository, workers: 1 });
    strict = await startTestServer({ models: repository, workers: 1, requestTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await server?.close();
    await strict?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('refuses too many items, a too long text and too much text in all with 413s, before any work', async () => {
    const many = await embed(
      server,
      Array.from({ length: 2049 }, () => 'a'),
    );
    expect(many.status).toBe(413);
    expect(many.json.code).toBe('SLUICE_ERR_TOO_MANY_ITEMS');
    const long = await embed(server, ['x'.repeat(64 * 1024 + 1)]);
    expect(long.status).toBe(413);
    expect(long.json.code).toBe('SLUICE_ERR_TEXT_TOO_LARGE');
    const total = await embed(
      server,
      Array.from({ length: 70 }, () => LONG_TEXT),
    );
    expect(total.status).toBe(413);
    expect(total.json.code).toBe('SLUICE_ERR_TEXT_TOO_LARGE');
    const openai = await postJson(`${server.url}/v1/embeddings`, { model: 'encoder', input: ['x'.repeat(64 * 1024 + 1)] }, server.auth);
    expect(openai.status).toBe(413);
    expect(openai.json.error.code).toBe('SLUICE_ERR_TEXT_TOO_LARGE');
  });

  it('keeps answering liveness while a large embeddings request is tokenized and run', async () => {
    let done = false;
    const started = performance.now();
    const heavy = embed(server, HEAVY_BATCH).then((response) => {
      done = true;
      return response;
    });
    let last = performance.now();
    let longestGap = 0;
    let answered = 0;
    while (!done) {
      const response = await fetch(`${server.url}/v2/health/live`);
      expect(response.status).toBe(200);
      await response.text();
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      answered++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const response = await heavy;
    expect(response.status).toBe(200);
    expect(response.json.outputs[0].shape).toEqual([64, 64]);
    const took = performance.now() - started;
    console.log(`heavy embeddings: ${Math.round(took)} ms, ${answered} liveness answers, longest gap ${Math.round(longestGap)} ms`);
    expect(took).toBeGreaterThan(1000);
    expect(longestGap).toBeLessThan(Math.min(1000, took / 2));
  });

  it('stops a timed-out tokenization: the next request is served at once, not after it', async () => {
    const started = performance.now();
    const heavy = await embed(strict, HEAVY_BATCH);
    expect(heavy.status).toBe(503);
    expect(heavy.json.code).toBe('SLUICE_ERR_REQUEST_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2500);
    const next = performance.now();
    const small = await embed(strict, ['hello world']);
    expect(small.status).toBe(200);
    expect(performance.now() - next).toBeLessThan(900);
  });

  it('recycles the worker of a native run that outlived its deadline, then serves again', async () => {
    const restartsBefore = strict.app.sluice.pool.health().workers[0]!.restarts;
    // A tiny request whose native run takes seconds: the deadline expires during the run, never during an upload.
    const response = await fetch(`${strict.url}/v2/models/slow/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...strict.auth },
      body: JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1 / 2048] }] }),
    });
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe('SLUICE_ERR_REQUEST_TIMEOUT');
    // One grace second after the deadline the worker still running it is killed and replaced.
    const recycled = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        if (strict.app.sluice.pool.health().workers[0]!.restarts > restartsBefore) {
          clearInterval(poll);
          resolve(true);
        }
      }, 50);
      setTimeout(() => {
        clearInterval(poll);
        resolve(false);
      }, 5000);
    });
    expect(recycled).toBe(true);
    expect(strict.logs.some((l) => l.msg === 'a run outlived the deadline of every request it carried; recycling its worker')).toBe(true);
    // Readiness waits for the replacement to have reloaded its sessions (longer than this server's 1 s limit).
    await until(async () => ((await fetch(`${strict.url}/v2/health/ready`)).status === 200 ? true : undefined), 30_000);
    const small = await embed(strict, ['served by the replacement']);
    expect(small.status).toBe(200);
  });
});
