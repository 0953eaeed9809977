/**
 * Band-limited resampling by windowed-sinc interpolation (the method of libsamplerate and resampy): each output
 * sample is the input convolved with a Kaiser-windowed sinc centred on its position. When downsampling, the
 * sinc's cutoff drops to the new Nyquist frequency, so content the new rate cannot carry is filtered out instead
 * of folding back as aliases.
 */
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './wav-format.js';

/** Zero crossings of the sinc on each side of the centre: the filter's length, hence its steepness. */
const ZERO_CROSSINGS = 16;
/** Kernel values tabulated per zero crossing; values in between are interpolated linearly. */
const TABLE_STEPS = 512;
/** Cutoff as a fraction of the lower Nyquist frequency: room for the transition band below it. */
const ROLLOFF = 0.945;
/** Kaiser window shape: about 90 dB of stop-band attenuation. */
const KAISER_BETA = 9;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; term > 1e-12 * sum; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** sinc(u)·kaiser(u / ZERO_CROSSINGS) for u = i / TABLE_STEPS, with one trailing zero for interpolation. */
const KERNEL = (() => {
  const table = new Float64Array(ZERO_CROSSINGS * TABLE_STEPS + 2);
  const norm = besselI0(KAISER_BETA);
  for (let i = 0; i <= ZERO_CROSSINGS * TABLE_STEPS; i++) {
    const u = i / TABLE_STEPS;
    const r = u / ZERO_CROSSINGS;
    const sinc = i === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    table[i] = (sinc * besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r)))) / norm;
  }
  return table;
})();

/** Samples at `to` Hz carrying the same sound as `samples` at `from` Hz; the very array when the rates are equal. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  for (const rate of [from, to]) {
    if (!Number.isInteger(rate) || rate < MIN_SAMPLE_RATE || rate > MAX_SAMPLE_RATE) {
      throw new Error(`sample rate ${rate} is outside ${MIN_SAMPLE_RATE}..${MAX_SAMPLE_RATE} Hz`);
    }
  }
  if (from === to) return samples;

  // The kernel in input samples is scale·sinc(scale·t): cutoff at scale/2 cycles per input sample, unit DC gain.
  const scale = Math.min(1, to / from) * ROLLOFF;
  const halfWidth = Math.ceil(ZERO_CROSSINGS / scale);
  const length = samples.length;
  const out = new Float32Array(Math.ceil((length * to) / from));
  for (let n = 0; n < out.length; n++) {
    // Position in input samples, n·from/to, split exactly into whole and fraction (integers stay below 2^53).
    const numerator = n * from;
    const whole = Math.floor(numerator / to);
    const position = whole + (numerator - whole * to) / to;
    const first = Math.max(0, whole - halfWidth + 1);
    const last = Math.min(length - 1, whole + halfWidth);
    let acc = 0;
    for (let k = first; k <= last; k++) {
      const at = Math.abs(position - k) * scale * TABLE_STEPS;
      const i = Math.floor(at);
      if (i >= ZERO_CROSSINGS * TABLE_STEPS) continue;
      const weight = KERNEL[i]! + (at - i) * (KERNEL[i + 1]! - KERNEL[i]!);
      acc += samples[k]! * weight;
    }
    out[n] = acc * scale;
  }
  return out;
}
