/**
 * Hot swap under load: concurrent inference on a real model while it swaps versions 50 times, through the
 * repository API and through polling. Zero failed or wrong responses: each response's model_version must be a
 * version that was live while the request ran, and the answer must be the one that version computes.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectedPositive, probeSentiment, publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const SWAPS = 50;
const CLIENTS = 8;

interface Sample {
  start: number;
  end: number;
  status: number;
  version?: number;
  positive?: number;
  error?: string;
}

/** Clients send inference requests back to back until told to stop. */
function driveLoad(server: TestServer, shouldStop: () => boolean): Promise<Sample[]> {
  const client = async () => {
    const samples: Sample[] = [];
    while (!shouldStop()) {
      const start = performance.now();
      const { status, text, version, positive } = await probeSentiment(server);
      const end = performance.now();
      samples.push(status === 200 ? { start, end, status, version, positive } : { start, end, status, error: text });
    }
    return samples;
  };
  return Promise.all(Array.from({ length: CLIENTS }, client)).then((all) => all.flat());
}

/** Checks every sample against the versions' live windows [becameLive, retired]. */
function verify(samples: Sample[], liveFrom: Map<number, number>, liveUntil: Map<number, number>) {
  const failed = samples.filter((s) => s.status !== 200);
  expect(failed.slice(0, 3), `${failed.length} failed responses`).toEqual([]);
  const wrong = samples.filter((s) => Math.abs(s.positive! - expectedPositive(s.version!)) > 1e-5);
  expect(wrong.slice(0, 3), 'answers that do not match the reported version').toEqual([]);
  const outOfWindow = samples.filter((s) => {
    const from = liveFrom.get(s.version!);
    const until = liveUntil.get(s.version!) ?? Infinity;
    return from === undefined || s.end < from || s.start > until;
  });
  expect(outOfWindow.slice(0, 3), 'responses from a version that was not live during the request').toEqual([]);
  const versionsSeen = new Set(samples.map((s) => s.version));
  return { requests: samples.length, versionsSeen: versionsSeen.size };
}

describe('hot swap under load', () => {
  let server: TestServer | undefined;
  let repository: ReturnType<typeof sentimentRepository> | undefined;
  afterEach(async () => {
    await server?.close();
    repository?.remove();
    server = undefined;
    repository = undefined;
  });

  it(`swaps ${SWAPS} times through POST /v2/repository/models/{m}/load with zero failed or wrong responses`, async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir, workers: 2 });
    const liveFrom = new Map<number, number>([[1, 0]]);
    const liveUntil = new Map<number, number>();
    let done = false;
    const load = driveLoad(server, () => done);
    for (let version = 2; version <= SWAPS + 1; version++) {
      publishVersion(repository.modelDir, version);
      liveFrom.set(version, performance.now());
      const response = await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth);
      expect(response.status, response.text).toBe(200);
      liveUntil.set(version - 1, performance.now()); // the old version takes no new request once load returned
      if (version > 3) rmSync(path.join(repository.modelDir, String(version - 2)), { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    done = true;
    const result = verify(await load, liveFrom, liveUntil);
    expect(result.requests).toBeGreaterThan(SWAPS * 2);
    expect(result.versionsSeen).toBeGreaterThan(SWAPS / 2);
    // Every retired version released its sessions once its last request ended.
    const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
    const ready = index.json.filter((e: any) => e.state === 'READY').map((e: any) => e.version);
    expect(ready).toEqual([String(SWAPS + 1)]);
  });

  it(`swaps ${SWAPS} times by polling the repository with zero failed or wrong responses`, async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir, workers: 2, modelControl: 'poll', pollIntervalMs: 100 });
    const liveFrom = new Map<number, number>([[1, 0]]);
    const liveUntil = new Map<number, number>();
    let done = false;
    const load = driveLoad(server, () => done);
    for (let version = 2; version <= SWAPS + 1; version++) {
      liveFrom.set(version, performance.now());
      publishVersion(repository.modelDir, version);
      // Wait until the poller has made it the serving version.
      for (;;) {
        const ready = await fetch(`${server.url}/v2/models/sentiment/versions/${version}/ready`, { headers: server.auth });
        await ready.arrayBuffer();
        const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
        const previous = index.json.find((e: any) => e.version === String(version - 1));
        if (ready.status === 200 && previous?.state !== 'READY') break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      liveUntil.set(version - 1, performance.now());
      if (version > 3) rmSync(path.join(repository.modelDir, String(version - 2)), { recursive: true, force: true });
    }
    done = true;
    const result = verify(await load, liveFrom, liveUntil);
    expect(result.requests).toBeGreaterThan(SWAPS * 2);
    expect(result.versionsSeen).toBeGreaterThan(SWAPS / 2);
  });
});
