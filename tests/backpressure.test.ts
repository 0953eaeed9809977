/**
 * Backpressure: a version's batching queue is bounded. Past max_queue_size a request gets a clear 503
 * (SLUICE_ERR_QUEUE_FULL) with Retry-After instead of waiting in an ever longer queue; every request is
 * answered, none hangs, and the server stays healthy. A request whose timeout passes while it is still
 * queued is dropped, not run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMiniLmShapedEncoder } from '../demo/minilm-encoder.js';
import { counterValue, writeEncoderModel } from './helpers/batching-models.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

type Server = TestServer & { auth?: Record<string, string> };

/** 16 texts of ~128 tokens: one request is a full batch of real encoder work (tens of ms). */
const HEAVY_TEXTS = Array.from({ length: 16 }, (_, i) => `request ${i} ${'serving models close to the limit of the machine '.repeat(20)}`);
const heavyInputs = [{ name: 'text', datatype: 'BYTES', shape: [HEAVY_TEXTS.length], data: HEAVY_TEXTS }];

describe('backpressure', () => {
  let repository: string;
  let full: Server;
  let timing: Server;

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-backpressure-'));
    const encoder = buildMiniLmShapedEncoder(); // MiniLM-sized: slow enough that a queue really forms
    writeEncoderModel(repository, 'tiny-queue', {
      encoder,
      instances: 1,
      dynamicBatching: { enabled: true, max_batch_size: 16, max_queue_delay_microseconds: 0, max_queue_size: 2 },
    });
    writeEncoderModel(repository, 'long-queue', {
      encoder,
      instances: 1,
      dynamicBatching: { enabled: true, max_batch_size: 16, max_queue_delay_microseconds: 0, max_queue_size: 64 },
    });
    full = await startTestServer({ models: repository, workers: 1 });
    timing = await startTestServer({ models: repository, workers: 1, requestTimeoutMs: 300 });
  });
  afterAll(async () => {
    await full?.close();
    await timing?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('answers past the queue bound with 503 SLUICE_ERR_QUEUE_FULL and Retry-After; nothing is lost or hangs', async () => {
    const auth = full.auth;
    const total = 30;
    const responses = await Promise.all(
      Array.from({ length: total }, () => postJson(`${full.url}/v2/models/tiny-queue/infer`, { inputs: heavyInputs }, auth)),
    );
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 503);
    expect(ok.length + refused.length).toBe(total);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const response of refused) {
      expect(response.json.code).toBe('SLUICE_ERR_QUEUE_FULL');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    for (const response of ok) expect(response.json.outputs[0].shape).toEqual([HEAVY_TEXTS.length, 384]);

    // Still healthy: ready, and the next request is served.
    expect((await getJson(`${full.url}/v2/health/ready`, auth)).status).toBe(200);
    const after = await postJson(`${full.url}/v2/models/tiny-queue/infer`, { inputs: heavyInputs }, auth);
    expect(after.status).toBe(200);
    const metrics = (await getJson(`${full.url}/metrics`, auth)).text;
    expect(counterValue(metrics, 'sluice_inference_request_failure_total', { model: 'tiny-queue', code: 'SLUICE_ERR_QUEUE_FULL' })).toBe(
      refused.length,
    );
  });

  it('drops requests that timed out while queued instead of running them', async () => {
    const auth = timing.auth;
    const total = 12;
    const responses = await Promise.all(
      Array.from({ length: total }, () => postJson(`${timing.url}/v2/models/long-queue/infer`, { inputs: heavyInputs }, auth)),
    );
    const served = responses.filter((r) => r.status === 200);
    const timedOut = responses.filter((r) => r.status === 503);
    expect(timedOut.length).toBeGreaterThanOrEqual(1);
    for (const response of timedOut) expect(response.json.code).toBe('SLUICE_ERR_REQUEST_TIMEOUT');
    expect(responses.every((r) => r.status === 200 || r.status === 503)).toBe(true);

    // Let the run in progress finish; the expired requests behind it are dropped as soon as it does.
    // Settled = the execution count has not moved for a second (one run takes a fraction of that).
    let executions = -1;
    let unchangedPolls = 0;
    for (let attempt = 0; attempt < 100 && unchangedPolls < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = counterValue((await getJson(`${timing.url}/metrics`, auth)).text, 'sluice_inference_exec_count_total', {
        model: 'long-queue',
      });
      unchangedPolls = now === executions ? unchangedPolls + 1 : 0;
      executions = now;
    }
    // What was served ran (counted). On a loaded machine every request may expire before its first run starts
    // (tokenizing the burst alone can take the 300 ms), so no run at all is a valid outcome; a run that outlived
    // every deadline it carried may instead have had its worker stopped (a restart).
    const recycled = timing.app.sluice.pool.health().workers.reduce((sum, worker) => sum + worker.restarts, 0);
    if (served.length > 0) expect(executions + recycled).toBeGreaterThanOrEqual(1);
    // The point: requests that expired while queued were dropped, not run.
    expect(executions).toBeLessThan(total);
    expect((await getJson(`${timing.url}/v2/health/ready`, auth)).status).toBe(200);
  });
});
