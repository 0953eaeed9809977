/**
 * Load failures reach clients only as a public reason naming the model and version: no absolute server path,
 * no raw parser output quoting a file's bytes (in the index, the load call, readiness, metadata and infer),
 * while the log keeps the details. Also: a name that is not in the repository leaves no trace, and every
 * valid name (up to 128 characters) is reachable on every route.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { DEMO_MODELS, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const SECRET = 'password=hunter2';
const LONG_NAME = `m${'x'.repeat(119)}`; // 120 characters: valid, and longer than the router's old 100 limit

describe('public load-failure reasons', () => {
  let server: TestServer;
  let repository: ReturnType<typeof sentimentRepository>;
  let inferOnly: Record<string, string>;

  /** What no response body may hold: a server path or the bytes of a file in the repository. */
  function expectNoInternals(body: string) {
    expect(body).not.toContain(repository.dir);
    expect(body).not.toContain(tmpdir());
    expect(body).not.toContain('hunter2');
    expect(body).not.toMatch(/password=h/);
    expect(body).not.toMatch(/Protobuf|at [\w.]+ \(/); // raw ORT output, stack frames
  }

  beforeAll(async () => {
    repository = sentimentRepository({ version_policy: { all: {} } });
    publishVersion(repository.modelDir, 1);
    publishVersion(repository.modelDir, 2, new TextEncoder().encode('garbage, not a protobuf'));
    const raw = (name: string) => {
      cpSync(path.join(DEMO_MODELS, 'ocr-direction'), path.join(repository.dir, name), { recursive: true });
      return path.join(repository.dir, name);
    };
    writeFileSync(path.join(raw('leaky-config'), 'config.json'), `${SECRET}\n{"task": "raw"}`);
    // config.json as a symlink to itself: reading it fails with ELOOP, whose message names the absolute path.
    const loop = path.join(raw('unreadable-config'), 'config.json');
    rmSync(loop);
    symlinkSync('config.json', loop);
    writeFileSync(path.join(raw('broken'), '1', 'model.onnx'), 'not a model');
    raw(LONG_NAME);
    mkdirSync(path.join(repository.dir, 'x'.repeat(129)));
    server = await startTestServer({ models: repository.dir, strictReadiness: 'off' });
    const key = await server.app.sluice.apiKeys.create({ name: 'infer-only', scopes: ['infer'] });
    inferOnly = { authorization: `Bearer ${key.token}` };
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it('the index gives public reasons; the log has the private details', async () => {
    const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
    expectNoInternals(index.text);
    const entry = (name: string, version?: string) =>
      index.json.find((e: any) => e.name === name && (version === undefined || e.version === version));
    expect(entry('sentiment', '2')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: 'load failed: ONNX Runtime cannot load model.onnx (not a valid ONNX model, or an operator it does not support)',
    });
    expect(entry('leaky-config')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: 'load failed: config.json cannot be used (it is not valid JSON)',
    });
    expect(entry('broken', '1')).toMatchObject({
      state: 'UNAVAILABLE',
      reason: expect.stringMatching(/^load failed: ONNX Runtime cannot load model\.onnx/),
    });
    const versionLog = server.logs.find((l) => l.model === 'sentiment' && l.version === 2 && l.msg === 'model version failed to load');
    expect(String(versionLog?.detail)).toContain(repository.dir);
    const configLog = server.logs.find(
      (l) => l.model === 'leaky-config' && l.msg === 'model config is invalid; versions already serving keep serving',
    );
    expect(String(configLog?.detail)).toContain('password=h');
  });

  it('the 422 of a load names model and version with a public reason', async () => {
    for (const name of ['sentiment', 'leaky-config', 'unreadable-config', 'broken']) {
      const load = await postJson(`${server.url}/v2/repository/models/${name}/load`, {}, server.auth);
      expect(load.status, `${name}: ${load.text}`).toBe(422);
      expect(load.json.error).toContain(`model "${name}"`);
      expectNoInternals(load.text);
    }
    const sentiment = await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth);
    expect(sentiment.json.error).toBe(
      'model "sentiment" version 2: load failed: ONNX Runtime cannot load model.onnx (not a valid ONNX model, or an operator it does not support); still serving version(s) 1',
    );
    const unreadable = await postJson(`${server.url}/v2/repository/models/unreadable-config/load`, {}, server.auth);
    expect(unreadable.json.error).toBe('model "unreadable-config": load failed: config.json cannot be used (it cannot be read)');
  });

  it('infer, metadata and readiness answers to an infer-only key carry no paths or file bytes', async () => {
    const body = { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] };
    for (const url of [
      '/v2/models/broken/infer',
      '/v2/models/broken/versions/1/infer',
      '/v2/models/sentiment/versions/2/infer',
      '/v2/models/leaky-config/infer',
      '/v2/models/unreadable-config/infer',
    ]) {
      const response = await postJson(`${server.url}${url}`, body, inferOnly);
      expect(response.status, `${url}: ${response.text}`).toBe(503);
      expect(response.json.code).toBe('SLUICE_ERR_MODEL_NOT_READY');
      expectNoInternals(response.text);
    }
    const notReady = await postJson(`${server.url}/v2/models/broken/infer`, body, inferOnly);
    expect(notReady.json.error).toMatch(
      /^model "broken" has no version ready \(version 1: load failed: ONNX Runtime cannot load model\.onnx/,
    );
    for (const url of [
      '/v2/models/broken',
      '/v2/models/broken/ready',
      '/v2/models/sentiment/versions/2',
      '/v2/models/sentiment/versions/2/ready',
      '/v2/models/leaky-config',
    ]) {
      const response = await getJson(`${server.url}${url}`, inferOnly);
      expect(response.status, url).toBeGreaterThanOrEqual(200);
      expectNoInternals(response.text);
    }
  });

  it('a name that is not in the repository is 404 on every try and leaves no entry behind', async () => {
    for (let i = 0; i < 2; i++) {
      const load = await postJson(`${server.url}/v2/repository/models/no-such-model/load`, {}, server.auth);
      expect(load.status).toBe(404);
      expect(load.json.code).toBe('SLUICE_ERR_MODEL_NOT_FOUND');
    }
    const infer = await postJson(
      `${server.url}/v2/models/no-such-model/infer`,
      { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] },
      server.auth,
    );
    expect(infer.json.code).toBe('SLUICE_ERR_MODEL_NOT_FOUND');
    expect((await getJson(`${server.url}/v2/repository/models/no-such-model/aliases`, server.auth)).status).toBe(404);
    const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
    expect(index.json.some((e: any) => e.name === 'no-such-model')).toBe(false);
  });

  it('a 120-character name is reachable on every route; 129 characters is refused clearly', async () => {
    expect((await postJson(`${server.url}/v2/repository/models/${LONG_NAME}/load`, {}, server.auth)).status).toBe(200);
    expect((await getJson(`${server.url}/v2/models/${LONG_NAME}/ready`, server.auth)).status).toBe(200);
    expect((await getJson(`${server.url}/v2/models/${LONG_NAME}`, server.auth)).json.name).toBe(LONG_NAME);
    expect((await getJson(`${server.url}/v2/repository/models/${LONG_NAME}/aliases`, server.auth)).status).toBe(200);
    const tooLong = 'x'.repeat(129);
    const load = await postJson(`${server.url}/v2/repository/models/${tooLong}/load`, {}, server.auth);
    expect(load.status).toBe(400);
    expect(load.json.code).toBe('SLUICE_ERR_BAD_REQUEST');
    const metadata = await getJson(`${server.url}/v2/models/${tooLong}`, server.auth);
    expect(metadata.json.code).toBe('SLUICE_ERR_MODEL_NOT_FOUND');
    // Its directory is not served, and the log says why.
    expect(server.logs.filter((l) => l.directory === tooLong && String(l.msg).includes('breaks the model-name rule'))).toHaveLength(1);
  });
});
