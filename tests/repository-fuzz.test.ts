/**
 * Seeded fuzzing of the repository and routing API: 2,000+ generated config overrides (numbers of every size,
 * wrong types, unknown and nested keys, JSON strings), model and alias names (long, unicode, traversal) and
 * traffic bodies. Every answer is a 2xx or a 4xx {error, code}, within a time bound, with no server path, stack
 * frame or parser output in the body.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoModels, request, startTestServer, type TestServer } from './helpers/test-server.js';

const SEED = 20261201;
const RUNS = 700; // per property; three properties
const ANSWER_WITHIN_MS = 5000;

const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2, 50_000, 2 ** 53, 1e300, -0), fc.bigInt().map(String));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    number,
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;
const configKey = fc.constantFrom(
  'task',
  'threads',
  'instances',
  'max_sequence_length',
  'version_policy',
  'dynamic_batching',
  'aliases',
  'labels',
  'tokenizer',
  'normalize',
  'matryoshka_dimensions',
  'description',
);
const config = fc.oneof(
  fc.dictionary(configKey, fc.oneof(number, json), { maxKeys: 5 }),
  fc.record({
    dynamic_batching: fc.dictionary(fc.constantFrom('enabled', 'max_batch_size', 'max_queue_delay_microseconds', 'max_queue_size'), number),
  }),
  fc.record({
    version_policy: fc.oneof(
      fc.record({ latest: fc.record({ num_versions: number }) }),
      fc.record({ specific: fc.record({ versions: fc.array(number, { maxLength: 40 }) }) }),
      json,
    ),
  }),
  json,
);
const name = fc.oneof(
  fc.string({ minLength: 1, maxLength: 300 }),
  fc.constantFrom('..', '.', '%2e%2e', '..%2f..%2fetc', 'a'.repeat(128), 'a'.repeat(129), 'ünïcode', 'ocr-direction'),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,140}$/),
);

describe('repository API fuzzing (seeded)', () => {
  let server: TestServer;
  let repository: ReturnType<typeof copyDemoModels>;
  let auth: Record<string, string>;
  beforeAll(async () => {
    repository = copyDemoModels(['ocr-direction']);
    server = await startTestServer({ models: repository.dir, logLevel: 'warn' });
    // The load route's own rate limit would answer most of the fuzz with 429: this key has its own, high one.
    const key = await server.app.sluice.apiKeys.create({
      name: 'fuzzer',
      scopes: ['admin'],
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
    });
    auth = { authorization: `Bearer ${key.token}` };
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  async function send(method: string, path: string, body?: unknown) {
    const started = performance.now();
    const response = await request(`${server.url}${path}`, { method, headers: auth, body });
    const elapsed = performance.now() - started;
    expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(500);
    expect(elapsed).toBeLessThan(ANSWER_WITHIN_MS);
    if (response.status >= 400)
      expect(response.json).toMatchObject({ error: expect.any(String), code: expect.stringMatching(/^SLUICE_ERR_/) });
    expect(response.text).not.toContain(repository.dir);
    expect(response.text).not.toMatch(/\/tmp\/|\/work\/|node_modules|at [\w.<>]+ \(|is not valid JSON:|Protobuf/);
    return response;
  }

  it('load with generated config overrides (on a name that is not in the repository, so nothing heavy loads)', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.boolean(), async (override, asString) => {
        const parametersConfig = asString ? JSON.stringify(override) : override;
        const response = await send('POST', '/v2/repository/models/fuzz-missing/load', { parameters: { config: parametersConfig } });
        expect([400, 404]).toContain(response.status);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('every repository and routing route with generated model and alias names', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, fc.integer({ min: 0, max: 6 }), async (model, alias, route) => {
        // The one real model is never unloaded or reloaded: the point is the answers, not churning sessions.
        const m = encodeURIComponent(model === 'ocr-direction' && route !== 1 && route !== 4 && route !== 5 ? 'fuzz-missing' : model);
        const a = encodeURIComponent(alias);
        const calls: [string, string, unknown?][] = [
          ['POST', `/v2/repository/models/${m}/unload`],
          ['GET', `/v2/repository/models/${m}/aliases`],
          ['PUT', `/v2/repository/models/${m}/aliases/${a}`, { version: 1 }],
          ['DELETE', `/v2/repository/models/${m}/aliases/${a}`],
          ['GET', `/v2/repository/models/${m}/traffic`],
          ['GET', `/v2/models/${m}/ready`],
          ['POST', `/v2/repository/models/${m}/load`, {}],
        ];
        const [method, path, body] = calls[route]!;
        await send(method, path, body);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('traffic splits and alias versions with generated bodies', async () => {
    const entry = fc.record({ version: fc.oneof(number, json), weight: fc.oneof(number, json) }, { requiredKeys: [] });
    const body = fc.oneof(fc.record({ versions: fc.array(entry, { maxLength: 40 }) }), json);
    await fc.assert(
      fc.asyncProperty(body, fc.oneof(number, json), async (traffic, version) => {
        await send('PUT', '/v2/repository/models/ocr-direction/traffic', traffic);
        await send('PUT', '/v2/repository/models/ocr-direction/aliases/fuzz', { version });
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
    // Still serving after all of it.
    expect((await send('GET', '/v2/models/ocr-direction/ready')).status).toBe(200);
  });
});
