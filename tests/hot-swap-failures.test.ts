/**
 * A bad new version never takes the serving one down: a corrupt file (API and poll mode) is reported with its
 * reason while the old version keeps answering, and a half-copied file is never loaded in poll mode.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSentimentModel } from '../demo/build-demo-repository.js';
import { expectedPositive, probeSentiment, publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

async function probe(server: TestServer) {
  const { status, version, positive } = await probeSentiment(server);
  return { status, version, positive };
}

async function indexEntry(server: TestServer, version: number) {
  const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
  return index.json.find((e: any) => e.name === 'sentiment' && e.version === String(version));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('failed and partial versions', () => {
  let server: TestServer | undefined;
  let repository: ReturnType<typeof sentimentRepository> | undefined;
  afterEach(async () => {
    await server?.close();
    repository?.remove();
    server = undefined;
    repository = undefined;
  });

  it('API load of a corrupt version: 422 with the reason, the old version keeps serving', async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir });
    publishVersion(repository.modelDir, 2, new TextEncoder().encode('garbage, not a protobuf'));
    const load = await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth);
    expect(load.status).toBe(422);
    expect(load.json.code).toBe('SLUICE_ERR_MODEL_LOAD_FAILED');
    expect(load.json.error).toMatch(/version 2: load failed/);
    expect(load.json.error).toMatch(/still serving version\(s\) 1/);
    expect(await probe(server)).toMatchObject({ status: 200, version: 1 });
    expect(await indexEntry(server, 2)).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/load failed/) });
    expect(await indexEntry(server, 1)).toMatchObject({ state: 'READY' });
    expect(
      server.logs.some(
        (l) =>
          l.model === 'sentiment' &&
          l.version === 2 &&
          String(l.file).endsWith(path.join('2', 'model.onnx')) &&
          String(l.reason).startsWith('load failed'),
      ),
    ).toBe(true);

    // Fixing the file and loading again swaps to it.
    publishVersion(repository.modelDir, 3);
    expect((await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth)).status).toBe(200);
    expect(await probe(server)).toMatchObject({ status: 200, version: 3, positive: expect.closeTo(expectedPositive(3), 5) });
  });

  it('a version whose graph does not fit its task fails to load with a reason and changes nothing', async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir });
    // A valid ONNX file, but with the wrong inputs for text-classification (an image model).
    const { readFileSync } = await import('node:fs');
    const { DEMO_MODELS } = await import('./helpers/test-server.js');
    publishVersion(repository.modelDir, 2, readFileSync(path.join(DEMO_MODELS, 'ocr-direction', '1', 'model.onnx')));
    const load = await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth);
    expect(load.status).toBe(422);
    expect(load.json.error).toMatch(/text-classification/);
    expect(await probe(server)).toMatchObject({ status: 200, version: 1 });
  });

  it('poll mode: a corrupt new version is reported and the old one keeps serving', async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir, modelControl: 'poll', pollIntervalMs: 100 });
    publishVersion(repository.modelDir, 2, new TextEncoder().encode('not a model'));
    let entry;
    for (let i = 0; i < 100; i++) {
      entry = await indexEntry(server, 2);
      if (entry?.reason?.startsWith('load failed')) break;
      await sleep(50);
    }
    expect(entry).toMatchObject({ state: 'UNAVAILABLE', reason: expect.stringMatching(/^load failed/) });
    expect(await indexEntry(server, 1)).toMatchObject({ state: 'READY', reason: expect.stringMatching(/kept serving: version 2 failed/) });
    for (let i = 0; i < 5; i++) expect(await probe(server)).toMatchObject({ status: 200, version: 1 });
    // The broken file is not retried on every poll: one failure logged, not one per tick.
    await sleep(500);
    expect(server.logs.filter((l) => l.version === 2 && l.msg === 'model version failed to load')).toHaveLength(1);
  });

  it('poll mode: a half-copied file is never loaded; it loads once complete', async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir, modelControl: 'poll', pollIntervalMs: 100, pollSettleMs: 1500 });
    const bytes = buildSentimentModel({ scale: 0.2 });
    const versionDir = path.join(repository.modelDir, '2');
    mkdirSync(versionDir);
    const file = path.join(versionDir, 'model.onnx');
    // Copy in chunks, slower than the poll interval, the way a slow `cp` or upload would.
    const chunk = Math.ceil(bytes.byteLength / 6);
    writeFileSync(file, bytes.subarray(0, chunk));
    for (let offset = chunk; offset < bytes.byteLength; offset += chunk) {
      await sleep(200);
      expect(await indexEntry(server, 2)).toMatchObject({
        state: 'UNAVAILABLE',
        reason: expect.stringMatching(/waiting for the file to settle/),
      });
      expect(await probe(server)).toMatchObject({ status: 200, version: 1 });
      appendFileSync(file, bytes.subarray(offset, offset + chunk));
    }
    // Complete: it loads after the settle time (or at once with a READY marker).
    writeFileSync(path.join(versionDir, 'READY'), '');
    let result;
    for (let i = 0; i < 100; i++) {
      result = await probe(server);
      if (result.version === 2) break;
      await sleep(50);
    }
    expect(result).toMatchObject({ status: 200, version: 2, positive: expect.closeTo(expectedPositive(2), 5) });
    expect(server.logs.filter((l) => l.version === 2 && l.msg === 'model version failed to load')).toEqual([]);
  });
});
