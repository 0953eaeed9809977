/**
 * Strict readiness (Triton's default): while a model in the repository failed to load and serves nothing,
 * /v2/health/ready is 503 and the start-up log names it; `--strict-readiness off` restores "ready once start-up
 * loading finished". A model whose new version failed while an older one keeps serving does not count.
 */
import { copyFileSync, cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../packages/core/src/config.js';
import { copyDemoModels, DEMO_MODELS, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('strict readiness', () => {
  let server: TestServer | undefined;
  let repository: ReturnType<typeof copyDemoModels> | undefined;
  afterEach(async () => {
    await server?.close();
    repository?.remove();
    server = undefined;
    repository = undefined;
  });

  /** ocr-direction (good) and "broken" (the same model with a garbage model.onnx). */
  function repositoryWithBrokenModel() {
    const repo = copyDemoModels(['ocr-direction']);
    cpSync(path.join(DEMO_MODELS, 'ocr-direction'), path.join(repo.dir, 'broken'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'broken', '1', 'model.onnx'), 'not a model');
    return repo;
  }
  const ready = async () => (await getJson(`${server!.url}/v2/health/ready`)).status;

  it('is not ready while a model failed to load, names it in the start-up log, and is ready once it loads', async () => {
    repository = repositoryWithBrokenModel();
    server = await startTestServer({ models: repository.dir });
    expect(await ready()).toBe(503);
    expect((await getJson(`${server.url}/v2/health/ready`)).json).toEqual({ ready: false }); // no model names on an open route
    expect((await getJson(`${server.url}/v2/models/ocr-direction/ready`, server.auth)).status).toBe(200);
    const finished = server.logs.find((l) => l.msg === 'start-up model loading finished');
    expect(finished).toMatchObject({ failed: ['broken'] });
    expect(server.logs.some((l) => l.level === 50 && l.msg === 'models failed to load: broken')).toBe(true);

    copyFileSync(path.join(DEMO_MODELS, 'ocr-direction', '1', 'model.onnx'), path.join(repository.dir, 'broken', '1', 'model.onnx'));
    expect((await postJson(`${server.url}/v2/repository/models/broken/load`, {}, server.auth)).status).toBe(200);
    expect(await ready()).toBe(200);
  });

  it('--strict-readiness off: ready once start-up loading finished, failed models or not', async () => {
    repository = repositoryWithBrokenModel();
    server = await startTestServer({ models: repository.dir, strictReadiness: 'off' });
    expect(await ready()).toBe(200);
    expect(server.logs.some((l) => l.msg === 'models failed to load: broken')).toBe(true);
  });

  it('a failed new version does not take readiness down while an older version serves', async () => {
    repository = copyDemoModels(['ocr-direction']);
    server = await startTestServer({ models: repository.dir });
    expect(await ready()).toBe(200);
    cpSync(path.join(repository.dir, 'ocr-direction', '1'), path.join(repository.dir, 'ocr-direction', '2'), { recursive: true });
    writeFileSync(path.join(repository.dir, 'ocr-direction', '2', 'model.onnx'), 'not a model');
    expect((await postJson(`${server.url}/v2/repository/models/ocr-direction/load`, {}, server.auth)).status).toBe(422);
    expect(await ready()).toBe(200);
  });

  it('is set by flag, environment or config file, and a bad value fails at start naming the key', () => {
    expect(resolveConfig({ env: {} }).strictReadiness).toBe('on');
    expect(resolveConfig({ env: { SLUICE_STRICT_READINESS: 'off' } }).strictReadiness).toBe('off');
    expect(resolveConfig({ env: {}, flags: { 'strict-readiness': 'off' } }).strictReadiness).toBe('off');
    expect(() => resolveConfig({ env: { SLUICE_STRICT_READINESS: 'maybe' } })).toThrow(/strictReadiness.*must be one of on, off/);
  });
});
