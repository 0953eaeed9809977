/**
 * Poll mode, a model.onnx replaced in place (an atomic rename over the serving file, no READY marker): the
 * loaded copy keeps serving until the new file has settled and loaded, and a replacement with garbage leaves
 * the old copy serving and is reported. Real poller, 8 concurrent clients, every response checked.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSentimentModel } from '../demo/build-demo-repository.js';
import { probeSentiment, publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

const CLIENTS = 8;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** The sentiment model scales "love" (+3) by `scale`: p(positive | PROBE_TEXT) tells which file answered. */
const positiveFor = (scale: number) => sigmoid(3 * scale);

interface Sample {
  status: number;
  version?: number;
  positive?: number;
  text: string;
}

function driveLoad(server: TestServer, shouldStop: () => boolean): Promise<Sample[]> {
  const client = async () => {
    const samples: Sample[] = [];
    while (!shouldStop()) samples.push(await probeSentiment(server));
    return samples;
  };
  return Promise.all(Array.from({ length: CLIENTS }, client)).then((all) => all.flat());
}

/** Writes bytes beside the version directory, then renames them over its model.onnx (how deploy tools swap). */
function replaceInPlace(modelDir: string, bytes: Uint8Array): void {
  const staging = path.join(modelDir, '.model.onnx.tmp');
  writeFileSync(staging, bytes);
  renameSync(staging, path.join(modelDir, '1', 'model.onnx'));
}

async function versionOne(server: TestServer) {
  const index = await postJson(`${server.url}/v2/repository/index`, {}, server.auth);
  return index.json.find((e: any) => e.name === 'sentiment' && e.version === '1');
}

describe('poll mode: a model file replaced in place', () => {
  let server: TestServer | undefined;
  let repository: ReturnType<typeof sentimentRepository> | undefined;
  afterEach(async () => {
    await server?.close();
    repository?.remove();
    server = undefined;
    repository = undefined;
  });

  it('keeps serving the loaded copy until the new file loads; a garbage file keeps it serving and is reported', async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1, buildSentimentModel({ scale: 0.1 }));
    rmSync(path.join(repository.modelDir, '1', 'READY')); // completeness by settle time, as with a plain `mv`
    server = await startTestServer({ models: repository.dir, workers: 2, modelControl: 'poll', pollIntervalMs: 100, pollSettleMs: 800 });
    let done = false;
    const load = driveLoad(server, () => done);

    // 1. A good replacement: old answers until the new file has settled and loaded, then new answers.
    replaceInPlace(repository.modelDir, buildSentimentModel({ scale: 0.5 }));
    await until(async () => (Math.abs((await probeSentiment(server!)).positive! - positiveFor(0.5)) < 1e-5 ? true : undefined), 15_000);

    // 2. A garbage replacement: the copy loaded from step 1 keeps answering; the index says why.
    replaceInPlace(repository.modelDir, new TextEncoder().encode('not an ONNX model'));
    const entry = await until(async () => {
      const found = await versionOne(server!);
      return /load failed/.test(found?.reason ?? '') ? found : undefined;
    }, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // several more poll ticks under load
    done = true;
    const samples = await load;

    const failed = samples.filter((s) => s.status !== 200);
    expect(failed.slice(0, 3), `${failed.length} of ${samples.length} requests failed`).toEqual([]);
    const unexpected = samples.filter(
      (s) => s.version !== 1 || ![0.1, 0.5].some((scale) => Math.abs(s.positive! - positiveFor(scale)) < 1e-5),
    );
    expect(unexpected.slice(0, 3)).toEqual([]);
    expect(samples.length).toBeGreaterThan(100);
    expect(entry).toMatchObject({
      state: 'READY',
      reason: expect.stringMatching(/load failed: ONNX Runtime cannot load model\.onnx.*keeps serving/),
    });
    expect(entry.reason).not.toContain(repository.dir);
    expect((await probeSentiment(server)).positive).toBeCloseTo(positiveFor(0.5), 5);
    // Reported once with the private detail in the log, and not retried on every poll tick.
    const reloadFailures = server.logs.filter((l) => l.msg === 'model version reload failed; the loaded copy keeps serving');
    expect(reloadFailures).toHaveLength(1);
    expect(String(reloadFailures[0]!.file)).toContain(repository.dir);
  });
});
