/**
 * Every number in a model config is bounded by its schema: a `models:write` key cannot ask for 50,000 threads,
 * thousands of sessions or unbounded queues, through parameters.config or config.json; routing (traffic
 * splits, aliases) is bounded the same way. Each refusal is a 400 naming the field, and nothing gets loaded.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoModels, DEMO_MODELS, getJson, postJson, request, startTestServer, type TestServer } from './helpers/test-server.js';

const cores = availableParallelism();

describe('bounded model configs', () => {
  let server: TestServer;
  let repository: ReturnType<typeof copyDemoModels>;
  const load = (config: unknown) =>
    postJson(`${server.url}/v2/repository/models/ocr-direction/load`, { parameters: { config } }, server.auth);

  beforeAll(async () => {
    repository = copyDemoModels(['ocr-direction']);
    // The same model with an out-of-bounds config.json on disk.
    const greedy = path.join(repository.dir, 'greedy');
    cpSync(path.join(DEMO_MODELS, 'ocr-direction'), greedy, { recursive: true });
    writeFileSync(path.join(greedy, 'config.json'), JSON.stringify({ task: 'raw', threads: 50_000 }));
    server = await startTestServer({ models: repository.dir, strictReadiness: 'off' });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  const refused: [string, unknown, RegExp][] = [
    ['threads beyond the cores', { threads: 50_000 }, new RegExp(`parameters\\.config "threads": must be <= ${cores}`)],
    ['threads as a JSON string override', JSON.stringify({ threads: 50_000 }), /"threads": must be <=/],
    ['threads not an integer', { threads: 1.5 }, /"threads": must be integer/],
    ['threads as a string (no coercion)', { threads: '2' }, /"threads": must be integer/],
    ['huge instances', { instances: 100_000 }, /"instances": must be <= 16/],
    ['huge max batch size', { dynamic_batching: { max_batch_size: 1e9 } }, /"dynamic_batching\.max_batch_size": must be <= 1024/],
    ['huge queue', { dynamic_batching: { max_queue_size: 1e9 } }, /"dynamic_batching\.max_queue_size": must be <= 65536/],
    [
      'huge queue delay',
      { dynamic_batching: { max_queue_delay_microseconds: 1e12 } },
      /"dynamic_batching\.max_queue_delay_microseconds": must be <= 10000000/,
    ],
    ['huge latest N', { version_policy: { latest: { num_versions: 1e6 } } }, /"version_policy\.latest\.num_versions": must be <= 16/],
    [
      'too many specific versions',
      { version_policy: { specific: { versions: Array.from({ length: 1000 }, (_, i) => i + 1) } } },
      /"version_policy\.specific\.versions": must NOT have more than 16 items/,
    ],
    ['two version policies at once', { version_policy: { latest: {}, all: {} } }, /"version_policy": must have exactly one of/],
    [
      'too many aliases',
      { aliases: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`a${i}`, 1])) },
      /"aliases": must NOT have more than 64 properties/,
    ],
    ['a bad alias name', { aliases: { '1bad': 1 } }, /"aliases\.1bad": an alias starts with a letter/],
    ['a huge sequence length', { max_sequence_length: 1e9 }, /"max_sequence_length": must be <= 32768/],
    ['an unknown key', { thread: 2 }, /"thread": unknown key/],
    ['a tokenizer outside the model directory', { task: 'raw', tokenizer: '../../etc/passwd' }, /"tokenizer": is not allowed here/],
  ];
  it.each(refused)('refuses %s with a 400 naming the field', async (_what, config, message) => {
    const response = await load(config);
    expect(response.status, response.text).toBe(400);
    expect(response.json).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST', error: expect.stringMatching(message) });
  });

  it('accepts the bounds themselves, and the model keeps serving after every refusal', async () => {
    const response = await load({ threads: cores, instances: 1, dynamic_batching: { max_batch_size: 1024, max_queue_size: 65_536 } });
    expect(response.status, response.text).toBe(200);
    expect((await getJson(`${server.url}/v2/models/ocr-direction/ready`, server.auth)).status).toBe(200);
  });

  it('an out-of-bounds config.json on disk fails that model with the field named, and loads nothing', async () => {
    const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
    const entries = index.json.filter((e: any) => e.name === 'greedy');
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect(entry).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/config\.json "threads": must be <=/) });
    const reload = await postJson(`${server.url}/v2/repository/models/greedy/load`, {}, server.auth);
    expect(reload.status).toBe(422);
    expect(reload.json.error).toMatch(/model "greedy": load failed: config\.json "threads": must be <=/);
    expect(server.logs.some((l) => l.msg === 'model version ready' && l.model === 'greedy')).toBe(false);
  });

  describe('routing bounds', () => {
    const manage = (method: string, route: string, body?: unknown) =>
      request(`${server.url}/v2/repository/models/ocr-direction${route}`, { method, headers: server.auth, body });

    it('a traffic split is bounded in entries, weights and version numbers, and names each version once', async () => {
      const many = { versions: Array.from({ length: 17 }, () => ({ version: 1, weight: 1 })) };
      expect((await manage('PUT', '/traffic', many)).json).toMatchObject({
        code: 'SLUICE_ERR_BAD_REQUEST',
        error: expect.stringMatching(/versions must NOT have more than 16 items/),
      });
      expect((await manage('PUT', '/traffic', { versions: [{ version: 1, weight: 1e12 }] })).json).toMatchObject({
        code: 'SLUICE_ERR_BAD_REQUEST',
        error: expect.stringMatching(/weight must be <= 1000000/),
      });
      expect((await manage('PUT', '/traffic', { versions: [{ version: 1e12, weight: 1 }] })).json).toMatchObject({
        code: 'SLUICE_ERR_BAD_REQUEST',
        error: expect.stringMatching(/version must be <= 999999999/),
      });
      expect(
        (
          await manage('PUT', '/traffic', {
            versions: [
              { version: 1, weight: 1 },
              { version: 1, weight: 2 },
            ],
          })
        ).json,
      ).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST', error: expect.stringMatching(/names version 1 twice/) });
      expect((await manage('PUT', '/traffic', { versions: [{ version: 1, weight: 1 }] })).status).toBe(200);
    });

    it('at most 64 aliases per model through the API', async () => {
      for (let i = 0; i < 64; i++) expect((await manage('PUT', `/aliases/a${i}`, { version: 1 })).status).toBe(200);
      const over = await manage('PUT', '/aliases/one-more', { version: 1 });
      expect(over.status).toBe(400);
      expect(over.json.error).toMatch(/already has 64 aliases/);
      expect((await manage('PUT', '/aliases/a0', { version: 1 })).status).toBe(200); // re-pointing one is fine
      expect((await manage('PUT', `/aliases/${'x'.repeat(65)}`, { version: 1 })).status).toBe(400);
    });
  });
});
