/**
 * audio.resample against the signal itself: sums of tones below both Nyquist frequencies come out as the same
 * tones sampled at the new rate; a tone the new rate cannot carry is filtered out (anti-aliasing) instead of
 * folding back; equal rates pass the very samples through.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../packages/core/src/models/tensors/tensor.js';
import { audioResampleOp } from '../packages/core/src/pipelines/steps/audio/resample-op.js';
import { resample } from '../packages/core/src/pipelines/steps/audio/sinc-resampler.js';

const tones = (rate: number, seconds: number, parts: [frequency: number, amplitude: number][]): Float32Array =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) =>
    parts.reduce((sum, [f, a]) => sum + a * Math.sin((2 * Math.PI * f * i) / rate + f / 1000), 0),
  );

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);

/** The samples away from the edges, where the filter sees zeros beyond the signal. */
const interior = (x: Float32Array, rate: number): Float32Array => x.subarray(Math.round(0.02 * rate), x.length - Math.round(0.02 * rate));

describe('audio.resample', () => {
  const pairs: [number, number][] = [
    [8_000, 16_000],
    [11_025, 16_000],
    [22_050, 16_000],
    [44_100, 16_000],
    [48_000, 16_000],
    [96_000, 16_000],
    [16_000, 44_100],
    [16_000, 8_000],
  ];
  for (const [from, to] of pairs) {
    it(`${from} Hz -> ${to} Hz keeps tones below both Nyquist frequencies`, () => {
      const parts: [number, number][] = [
        [300, 0.4],
        [1_234, 0.3],
        [3_000, 0.2],
      ];
      const input = tones(from, 0.5, parts);
      const output = resample(input, from, to);
      expect(output.length).toBe(Math.ceil((input.length * to) / from));
      const expected = tones(to, output.length / to, parts);
      const error = interior(output, to).map((v, i) => v - interior(expected, to)[i]!);
      expect(Math.max(...error.map(Math.abs))).toBeLessThan(1e-4);
    });
  }

  const aliasing: [number, number, number][] = [
    // [from, to, a tone above the new Nyquist frequency]
    [44_100, 16_000, 10_000], // would fold back to 6 kHz
    [22_050, 16_000, 9_000], // to 7 kHz
    [48_000, 16_000, 12_000], // to 4 kHz
    [22_050, 8_000, 5_000], // to 3 kHz
  ];
  for (const [from, to, tone] of aliasing) {
    it(`${from} Hz -> ${to} Hz removes a ${tone} Hz tone instead of aliasing it (at least 80 dB down)`, () => {
      const output = resample(tones(from, 0.5, [[tone, 0.5]]), from, to);
      expect(rms(interior(output, to)) / (0.5 / Math.SQRT2)).toBeLessThan(1e-4);
    });
  }

  it('passes the very samples through when the rate already matches, and reports the new rate', async () => {
    const samples = tones(16_000, 0.1, [[440, 0.5]]);
    const run = await audioResampleOp.prepare({ rate: 16_000 }, { readText: () => Promise.reject(new Error('no files')) });
    const context = { pipeline: 'vad', step: 'resample', invoke: () => Promise.reject(new Error('no models here')) };
    const same = await run(
      {
        samples: { name: 'pcm', datatype: 'FP32', shape: [samples.length], data: samples },
        sample_rate: { name: 'rate', datatype: 'INT32', shape: [1], data: Int32Array.of(16_000) },
      },
      context,
    );
    expect(same.samples!.data).toBe(samples);
    const rate64: Tensor = { name: 'rate', datatype: 'INT64', shape: [1], data: BigInt64Array.of(48_000n) };
    const down = await run(
      { samples: { name: 'pcm', datatype: 'FP32', shape: [samples.length], data: samples }, sample_rate: rate64 },
      context,
    );
    expect(down.samples!.shape).toEqual([Math.ceil(samples.length / 3)]);
    expect(down.sample_rate).toMatchObject({ datatype: 'INT32', shape: [1], data: Int32Array.of(16_000) });
  });

  it('resamples a minute of 44.1 kHz audio to 16 kHz in well under the time it lasts', () => {
    const minute = tones(44_100, 60, [[440, 0.5]]);
    const started = performance.now();
    const output = resample(minute, 44_100, 16_000);
    const ms = performance.now() - started;
    console.log(`resample 60 s 44.1 kHz -> 16 kHz: ${ms.toFixed(0)} ms`);
    expect(output.length).toBe(960_000);
    expect(ms).toBeLessThan(10_000);
  });
});
