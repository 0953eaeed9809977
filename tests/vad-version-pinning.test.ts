/**
 * A stateful scan keeps one stream on one member version: Silero's state from version 1 must never be fed to
 * version 2. With silero-vad split 50/50 between two versions, every frame of one vad request runs on the
 * version its first frame was routed to (counted by the statistics extension, per version).
 */
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, request, type TestServer } from './helpers/test-server.js';
import { postWavJson, startSpeechServer } from './helpers/speech-server.js';
import { speechRepository } from './helpers/speech-repository.js';
import { encodeWav } from './helpers/speech-wav.js';

describe('model.scan_frames pins the member version', () => {
  let server: TestServer;
  let repository: ReturnType<typeof speechRepository>;
  beforeAll(async () => {
    repository = speechRepository();
    const model = path.join(repository.dir, 'silero-vad');
    mkdirSync(path.join(model, '2'));
    cpSync(path.join(model, '1', 'model.onnx'), path.join(model, '2', 'model.onnx'));
    server = await startSpeechServer({ models: repository.dir });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  const successes = async (version: number): Promise<number> => {
    const { json } = await getJson(`${server.url}/v2/models/silero-vad/versions/${version}/stats`, server.auth);
    return json.model_stats[0].inference_stats.success.count as number;
  };

  it('runs every frame of a request on one version while a traffic split routes requests to both', async () => {
    const load = await postJson(
      `${server.url}/v2/repository/models/silero-vad/load`,
      { parameters: { config: { version_policy: { all: {} } } } },
      server.auth,
    );
    expect(load.status, load.text).toBe(200);
    const split = await request(`${server.url}/v2/repository/models/silero-vad/traffic`, {
      method: 'PUT',
      headers: server.auth,
      body: {
        versions: [
          { version: 1, weight: 1 },
          { version: 2, weight: 1 },
        ],
      },
    });
    expect(split.status, split.text).toBe(200);
    // Two seconds at 16 kHz: 63 frames of 512 samples.
    const wav = encodeWav({
      channels: [Float32Array.from({ length: 32_000 }, (_, i) => 0.3 * Math.sin(i / 7) * Math.sin(i / 900))],
      rate: 16_000,
    });
    const frames = Math.ceil(32_000 / 512);
    const versionsUsed = new Set<number>();
    for (let i = 0; i < 14; i++) {
      const before = [await successes(1), await successes(2)];
      const { status } = await postWavJson(server, 'vad', wav);
      expect(status).toBe(200);
      const delta = [(await successes(1)) - before[0]!, (await successes(2)) - before[1]!];
      expect([...delta].sort((a, b) => a - b)).toEqual([0, frames]);
      versionsUsed.add(delta[0] === frames ? 1 : 2);
    }
    // 14 requests on a fair split use both versions (all on one: 1 in 8192).
    expect(versionsUsed.size).toBe(2);
  });
});
