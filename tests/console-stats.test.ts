/**
 * The statistics behind the console's Overview and Models pages, against requests the test sends itself:
 * Triton's statistics extension (GET /v2/models[/{m}[/versions/{v}]]/stats) and the 5-second traffic series
 * (GET /stats/series), with dynamic batching merging requests, failures before and after routing, scopes and a
 * key's model allow-list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLookupModel } from './helpers/batching-models.js';
import { copyDemoModels, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const text = (...texts: string[]) => ({ inputs: [{ name: 'text', shape: [texts.length], datatype: 'BYTES', data: texts }] });
const ids = (...values: number[]) => ({ inputs: [{ name: 'ids', shape: [1, values.length], datatype: 'INT64', data: values }] });

function sum(intervals: any[], pick: (interval: any) => number): number {
  return intervals.reduce((total, interval) => total + pick(interval), 0);
}

describe('statistics', () => {
  const models = copyDemoModels(['sentiment', 'silero-vad']);
  let server: TestServer;
  const keys: Record<string, Record<string, string>> = {};
  const started = Date.now();
  beforeAll(async () => {
    // One instance and a long queue delay: concurrent requests are merged into few executions.
    writeLookupModel(models.dir, 'lookup', {
      instances: 1,
      dynamicBatching: { max_batch_size: 32, max_queue_delay_microseconds: 300_000 },
    });
    server = await startTestServer({ models: models.dir });
    const key = (name: string, scopes: string[], only?: string[]) => ({
      authorization: `Bearer ${server.app.sluice.apiKeys.create({ name, scopes, ...(only ? { models: only } : {}) }).token}`,
    });
    keys.read = key('read', ['models:read']);
    keys.metrics = key('metrics', ['metrics:read']);
    keys.infer = key('infer', ['infer']);
    keys.vadOnly = key('vad-only', ['models:read'], ['silero-vad']);

    // sentiment: 5 successes carrying 1 + 3 + 1 + 1 + 2 = 8 texts, 1 failure after routing (a wrong input
    // name), 1 failure before it (no such version).
    for (const body of [text('good'), text('bad', 'fine', 'great'), text('ok'), text('meh'), text('a', 'b')]) {
      expect((await postJson(`${server.url}/v2/models/sentiment/infer`, body, server.auth)).status).toBe(200);
    }
    expect(
      (
        await postJson(
          `${server.url}/v2/models/sentiment/infer`,
          { inputs: [{ name: 'nope', shape: [1], datatype: 'BYTES', data: ['x'] }] },
          server.auth,
        )
      ).status,
    ).toBe(400);
    expect((await postJson(`${server.url}/v2/models/sentiment/versions/9/infer`, text('x'), server.auth)).status).toBe(404);
    // lookup: 6 concurrent requests, merged by the batcher.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((id) => postJson(`${server.url}/v2/models/lookup/infer`, ids(id, 0), server.auth)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  it("GET /v2/models/{m}/stats counts the model's requests in Triton's shape", async () => {
    const response = await getJson(`${server.url}/v2/models/sentiment/stats`, keys.read);
    expect(response.status).toBe(200);
    expect(response.json.model_stats).toHaveLength(1);
    const stat = response.json.model_stats[0];
    expect(stat).toMatchObject({
      name: 'sentiment',
      version: '1',
      inference_count: 8,
      execution_count: 5,
      inference_stats: {
        success: { count: 5, ns: expect.any(Number) },
        fail: { count: 1, ns: expect.any(Number) },
        queue: { count: 5, ns: expect.any(Number) },
        compute_input: { count: 5, ns: 0 },
        compute_infer: { count: 5, ns: expect.any(Number) },
        compute_output: { count: 5, ns: 0 },
        cache_hit: { count: 0, ns: 0 },
        cache_miss: { count: 0, ns: 0 },
      },
    });
    expect(stat.last_inference).toBeGreaterThanOrEqual(started);
    expect(stat.last_inference).toBeLessThanOrEqual(Date.now());
    const { success, queue, compute_infer: infer } = stat.inference_stats;
    expect(success.ns).toBeGreaterThan(0);
    expect(infer.ns).toBeGreaterThan(0);
    expect(queue.ns + infer.ns).toBeLessThanOrEqual(success.ns + 1_000_000); // parts of the whole (rounding aside)
    // Executions by batch size: the texts each request carried.
    expect(stat.batch_stats.map((b: any) => [b.batch_size, b.compute_infer.count])).toEqual([
      [1, 3],
      [2, 1],
      [3, 1],
    ]);
    expect(sum(stat.batch_stats, (b) => b.compute_infer.ns)).toBe(infer.ns);
  });

  it('counts merged executions of a dynamically batched model', async () => {
    const { json } = await getJson(`${server.url}/v2/models/lookup/versions/1/stats`, keys.read);
    const [stat] = json.model_stats;
    expect(stat).toMatchObject({
      name: 'lookup',
      version: '1',
      inference_count: 6,
      inference_stats: { success: { count: 6 }, fail: { count: 0 } },
    });
    expect(stat.execution_count).toBeLessThan(6);
    expect(sum(stat.batch_stats, (b) => b.batch_size * b.compute_infer.count)).toBe(6);
    expect(Math.max(...stat.batch_stats.map((b: any) => b.batch_size))).toBeGreaterThan(1);
  });

  it('GET /v2/models/stats lists every ready version, and only the allowed models for a limited key', async () => {
    const all = await getJson(`${server.url}/v2/models/stats`, keys.read);
    expect(all.status).toBe(200);
    expect(all.json.model_stats.map((s: any) => `${s.name}/${s.version}`)).toEqual(['lookup/1', 'sentiment/1', 'silero-vad/1']);
    expect(all.json.model_stats.find((s: any) => s.name === 'silero-vad')).toMatchObject({
      last_inference: 0,
      inference_count: 0,
      execution_count: 0,
      batch_stats: [],
    });
    const limited = await getJson(`${server.url}/v2/models/stats`, keys.vadOnly);
    expect(limited.json.model_stats.map((s: any) => s.name)).toEqual(['silero-vad']);
    expect((await getJson(`${server.url}/v2/models/sentiment/stats`, keys.vadOnly)).status).toBe(403);
  });

  it('answers unknown models and versions with 404, and needs models:read', async () => {
    expect((await getJson(`${server.url}/v2/models/nope/stats`, keys.read)).json.code).toBe('SLUICE_ERR_MODEL_NOT_FOUND');
    expect((await getJson(`${server.url}/v2/models/sentiment/versions/9/stats`, keys.read)).json.code).toBe('SLUICE_ERR_VERSION_NOT_FOUND');
    expect((await getJson(`${server.url}/v2/models/sentiment/versions/nope/stats`, keys.read)).json.code).toBe(
      'SLUICE_ERR_VERSION_NOT_FOUND',
    );
    expect((await getJson(`${server.url}/v2/models/stats`, keys.infer)).status).toBe(403);
    expect((await getJson(`${server.url}/v2/models/stats`, keys.metrics)).status).toBe(403);
    expect((await getJson(`${server.url}/v2/models/stats`)).status).toBe(401);
    expect((await getJson(`${server.url}/v2`, keys.read)).json.extensions).toContain('statistics');
  });

  it('GET /stats/series sums to the requests sent, per interval of 5 s', async () => {
    const response = await getJson(`${server.url}/stats/series?minutes=2`, keys.read);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { intervalMs, minutes, intervals } = response.json;
    expect([intervalMs, minutes, intervals.length]).toEqual([5000, 2, 24]);
    for (const [i, interval] of intervals.entries()) {
      expect(interval.time % 5000).toBe(0);
      if (i > 0) expect(interval.time - intervals[i - 1].time).toBe(5000);
    }
    expect(intervals.at(-1).time).toBeLessThanOrEqual(Date.now());
    expect(intervals.at(-1).time).toBeGreaterThan(Date.now() - 5000 - 1000);
    // 7 sentiment requests (2 failed: one before routing) and 6 lookup requests.
    expect(sum(intervals, (i) => i.requests)).toBe(13);
    expect(sum(intervals, (i) => i.errors)).toBe(2);
    expect(sum(intervals, (i) => i.versions['sentiment/1']?.requests ?? 0)).toBe(6);
    expect(sum(intervals, (i) => i.versions['sentiment/1']?.errors ?? 0)).toBe(1);
    expect(sum(intervals, (i) => i.versions['lookup/1']?.requests ?? 0)).toBe(6);
    const busy = intervals.filter((i: any) => i.requests > i.errors);
    expect(busy.length).toBeGreaterThan(0);
    for (const interval of busy) {
      expect(interval.latencyP50Ms).toBeGreaterThan(0);
      expect(interval.latencyP95Ms).toBeGreaterThanOrEqual(interval.latencyP50Ms);
      expect(interval.queueMsAvg).toBeGreaterThanOrEqual(0);
      expect(interval.computeMsAvg).toBeGreaterThan(0);
    }
    // The batcher merged the lookup requests: more than one request per execution on average somewhere.
    expect(Math.max(...intervals.map((i: any) => i.batchSizeAvg ?? 0))).toBeGreaterThan(1);
    const quiet = intervals.filter((i: any) => i.requests === 0);
    for (const interval of quiet)
      expect(interval).toMatchObject({
        errors: 0,
        latencyP50Ms: null,
        latencyP95Ms: null,
        queueMsAvg: null,
        computeMsAvg: null,
        versions: {},
      });
  });

  it('shows a limited key only its models, takes metrics:read, and checks minutes', async () => {
    const limited = await getJson(`${server.url}/stats/series?minutes=2`, keys.vadOnly);
    expect(sum(limited.json.intervals, (i) => i.requests)).toBe(0);
    expect(limited.json.intervals.every((i: any) => Object.keys(i.versions).length === 0)).toBe(true);
    const byMetrics = await getJson(`${server.url}/stats/series`, keys.metrics);
    expect([byMetrics.status, byMetrics.json.minutes, byMetrics.json.intervals.length]).toEqual([200, 15, 180]);
    expect((await getJson(`${server.url}/stats/series?minutes=30`, keys.read)).json.intervals).toHaveLength(360);
    for (const minutes of ['0', '31', 'abc', '-1', '1.5']) {
      const response = await getJson(`${server.url}/stats/series?minutes=${minutes}`, keys.read);
      expect([minutes, response.status, response.json.code]).toEqual([minutes, 400, 'SLUICE_ERR_BAD_REQUEST']);
    }
    expect((await getJson(`${server.url}/stats/series`, keys.infer)).status).toBe(403);
  });
});
