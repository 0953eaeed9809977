/**
 * audio.speech_segments on hand-made probability sequences, against Silero VAD's rules worked out by hand
 * (16 kHz, 512-sample frames of 32 ms; defaults threshold 0.5, negative threshold 0.35, minimum speech 250 ms =
 * 4000 samples, minimum silence 100 ms = 1600 samples, padding 30 ms = 480 samples): speech starts on the first
 * frame at or above the threshold, ends where the probability fell below the negative threshold once it stays
 * there for the minimum silence, is dropped when shorter than the minimum speech, and is padded without
 * overlapping its neighbours.
 */
import { describe, expect, it } from 'vitest';
import { speechSegmentsOp } from '../packages/core/src/pipelines/steps/audio/speech-segments-op.js';

const RATE = 16_000;
const FRAME = 512;
const files = { readText: () => Promise.reject(new Error('no files')) };
const context = { pipeline: 'vad', step: 'segments', invoke: () => Promise.reject(new Error('no models here')) };

/** Frame probabilities from runs of [value, frames]. */
const frames = (...runs: [number, number][]): Float32Array =>
  Float32Array.from(runs.flatMap(([value, count]) => Array<number>(count).fill(value)));

async function segments(probabilities: Float32Array, params: Record<string, unknown> = {}, totalSamples = probabilities.length * FRAME) {
  const run = await speechSegmentsOp.prepare({ frame: FRAME, ...params }, files);
  const out = await run(
    {
      frame_probabilities: { name: 'p', datatype: 'FP32', shape: [probabilities.length], data: probabilities },
      samples: { name: 'pcm', datatype: 'FP32', shape: [totalSamples], data: new Float32Array(totalSamples) },
      sample_rate: { name: 'rate', datatype: 'INT32', shape: [1], data: Int32Array.of(RATE) },
    },
    context,
  );
  expect(out.segments!.shape).toEqual([out.probabilities!.shape[0], 2]);
  const data = out.segments!.data as Float32Array;
  const scores = out.probabilities!.data as Float32Array;
  // In samples, to compare exactly: seconds x 16000.
  return [...scores].map((score, i) => ({ start: Math.round(data[2 * i]! * RATE), end: Math.round(data[2 * i + 1]! * RATE), score }));
}

describe('audio.speech_segments', () => {
  it('finds nothing in silence', async () => {
    expect(await segments(frames([0.1, 50]))).toEqual([]);
  });

  it('pads one stretch of speech by 30 ms and ends it where the silence began', async () => {
    // Speech in frames 10..19 (start sample 5120); silence from frame 20 (10240), confirmed at frame 24.
    const [segment, ...rest] = await segments(frames([0.05, 10], [0.9, 10], [0.05, 20]));
    expect(rest).toEqual([]);
    expect(segment).toMatchObject({ start: 5120 - 480, end: 10240 + 480 });
    // Mean over the frames the padded segment touches: frames 9..20, ten at 0.9 and two at 0.05.
    expect(segment!.score).toBeCloseTo((10 * 0.9 + 2 * 0.05) / 12, 5);
  });

  it('keeps speech open while the probability stays between the two thresholds, and never starts on it', async () => {
    expect(await segments(frames([0.4, 10], [0.1, 10]))).toEqual([]);
    const [segment] = await segments(frames([0.1, 5], [0.8, 10], [0.4, 10], [0.1, 10]));
    expect(segment).toMatchObject({ start: 5 * FRAME - 480, end: 25 * FRAME + 480 });
  });

  it('ends speech only on a low frame starting 100 ms or more after the silence began: bridges 4 low frames, splits at 5', async () => {
    // The 4th low frame starts 3 x 512 = 1536 samples (96 ms) after the first: not yet; the 5th, 2048 samples after: done.
    expect(await segments(frames([0.1, 5], [0.9, 10], [0.1, 4], [0.9, 10], [0.1, 10]))).toHaveLength(1);
    const split = await segments(frames([0.1, 5], [0.9, 10], [0.1, 5], [0.9, 10], [0.1, 10]));
    expect(split.map(({ start, end }) => ({ start, end }))).toEqual([
      { start: 5 * FRAME - 480, end: 15 * FRAME + 480 },
      { start: 20 * FRAME - 480, end: 30 * FRAME + 480 },
    ]);
  });

  it('drops speech shorter than 250 ms (7 frames, 224 ms) and keeps 8 frames (256 ms)', async () => {
    expect(await segments(frames([0.1, 5], [0.9, 7], [0.1, 10]))).toEqual([]);
    expect(await segments(frames([0.1, 5], [0.9, 8], [0.1, 10]))).toHaveLength(1);
  });

  it('clamps the padding to the audio and to the neighbouring segments', async () => {
    // Speech from the very first frame to the end of 1000 samples short of whole frames.
    const total = 20 * FRAME - 100;
    expect(await segments(frames([0.9, 20]), {}, total)).toMatchObject([{ start: 0, end: total }]);
    // 100 ms of padding on both sides of a 160 ms pause: the second segment starts where the first ends.
    const padded = await segments(frames([0.1, 5], [0.9, 10], [0.1, 5], [0.9, 10], [0.1, 10]), { speech_pad_ms: 100 });
    expect(padded.map(({ start, end }) => ({ start, end }))).toEqual([
      { start: 5 * FRAME - 1600, end: 15 * FRAME + 1600 },
      { start: 15 * FRAME + 1600, end: 30 * FRAME + 1600 },
    ]);
  });

  it('follows its parameters: threshold, neg_threshold, min_speech_ms, min_silence_ms', async () => {
    const soft = frames([0.1, 5], [0.45, 10], [0.3, 10]);
    expect(await segments(soft)).toEqual([]);
    // 0.3 is not below 0.4 - 0.15: the speech stays open to the end of the audio.
    expect(await segments(soft, { threshold: 0.4 })).toMatchObject([{ start: 5 * FRAME - 480, end: 25 * FRAME }]);
    expect(await segments(soft, { threshold: 0.4, neg_threshold: 0.35, speech_pad_ms: 0 })).toMatchObject([
      { start: 5 * FRAME, end: 15 * FRAME },
    ]);
    const short = frames([0.1, 5], [0.9, 4], [0.1, 10]);
    expect(await segments(short, { min_speech_ms: 100 })).toHaveLength(1);
    const pause = frames([0.1, 5], [0.9, 10], [0.1, 5], [0.9, 10], [0.1, 10]);
    expect(await segments(pause, { min_silence_ms: 200 })).toHaveLength(1);
  });

  it('refuses a negative threshold above the threshold when the pipeline loads', async () => {
    await expect(async () => speechSegmentsOp.prepare({ frame: FRAME, threshold: 0.3, neg_threshold: 0.6 }, files)).rejects.toThrow(
      /neg_threshold 0.6 is above threshold 0.3/,
    );
  });

  it('refuses probabilities that do not cover the samples (a wiring mistake)', async () => {
    await expect(segments(frames([0.9, 10]), {}, 30 * FRAME)).rejects.toThrow(/10 probabilities do not cover 15360 samples/);
  });
});
