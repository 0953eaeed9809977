/**
 * Speech synthesized at test time with Debian's espeak-ng (scripts/install-espeak-ng.sh), composed with known
 * silences, and the ground truth of where the speech is: the stretches where the samples carry energy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readPcm16Mono } from './speech-wav.js';

/** espeak-ng always writes 16-bit mono at this rate. */
export const ESPEAK_RATE = 22_050;
/** A 10 ms window counts as speech when its RMS is above this (-50 dBFS; espeak's pauses are digital silence). */
const SPEECH_RMS = 10 ** (-50 / 20);
const WINDOW_SECONDS = 0.01;

export interface Voice {
  /** An espeak-ng voice, optionally with a variant: "en-us", "en-gb-scotland", "en-us+f3". */
  voice: string;
  wordsPerMinute: number;
}

/** Speaks `text` and trims espeak's own leading and trailing silence, so the speech starts and ends on the edges. */
export function speak(text: string, { voice, wordsPerMinute }: Voice): Float32Array {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-espeak-'));
  try {
    const file = path.join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', file, text], { stdio: ['ignore', 'ignore', 'pipe'] });
    const { samples, rate } = readPcm16Mono(readFileSync(file));
    if (rate !== ESPEAK_RATE) throw new Error(`espeak-ng wrote ${rate} Hz, expected ${ESPEAK_RATE}`);
    const active = speechWindows(samples, rate);
    const first = active.indexOf(true);
    const last = active.lastIndexOf(true);
    if (first < 0) throw new Error(`espeak-ng said nothing for "${text}"`);
    const window = Math.round(WINDOW_SECONDS * rate);
    return samples.slice(first * window, (last + 1) * window);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For each 10 ms window of `samples`: does it carry speech energy? */
export function speechWindows(samples: Float32Array, rate: number): boolean[] {
  const window = Math.round(WINDOW_SECONDS * rate);
  const flags: boolean[] = [];
  for (let start = 0; start < samples.length; start += window) {
    const end = Math.min(samples.length, start + window);
    let energy = 0;
    for (let i = start; i < end; i++) energy += samples[i]! ** 2;
    flags.push(Math.sqrt(energy / (end - start)) > SPEECH_RMS);
  }
  return flags;
}

/** Seconds of speech energy (10 ms windows) in [from, to), and how much of it `covered` says is covered. */
export function speechCoverage(
  samples: Float32Array,
  rate: number,
  from: number,
  to: number,
  covered: (seconds: number) => boolean,
): { speech: number; covered: number } {
  let speech = 0;
  let hit = 0;
  speechWindows(samples, rate).forEach((active, index) => {
    const centre = (index + 0.5) * WINDOW_SECONDS;
    if (!active || centre < from || centre >= to) return;
    speech += WINDOW_SECONDS;
    if (covered(centre)) hit += WINDOW_SECONDS;
  });
  return { speech, covered: hit };
}

/** One utterance or one inserted silence of a composed recording, in seconds. */
export interface Part {
  kind: 'speech' | 'silence';
  start: number;
  end: number;
}

/** Concatenates silences (given in seconds) and utterances; returns the audio and where each part lies. */
export function compose(rate: number, pieces: (number | Float32Array)[]): { samples: Float32Array; parts: Part[] } {
  const lengths = pieces.map((piece) => (typeof piece === 'number' ? Math.round(piece * rate) : piece.length));
  const samples = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  const parts: Part[] = [];
  let at = 0;
  pieces.forEach((piece, index) => {
    if (typeof piece !== 'number') samples.set(piece, at);
    const length = lengths[index]!;
    parts.push({ kind: typeof piece === 'number' ? 'silence' : 'speech', start: at / rate, end: (at + length) / rate });
    at += length;
  });
  return { samples, parts };
}

/**
 * A deliberately plain resampler for building test files at other rates, independent of the one under test:
 * linear interpolation, after a moving average over the rate ratio when downsampling (a crude low-pass, enough
 * to keep speech recognisable).
 */
export function plainResample(samples: Float32Array, from: number, to: number): Float32Array {
  let source = samples;
  const span = Math.round(from / to);
  if (span > 1) {
    source = new Float32Array(samples.length);
    let sum = 0;
    for (let i = 0; i < samples.length; i++) {
      sum += samples[i]! - (i >= span ? samples[i - span]! : 0);
      source[i] = sum / span;
    }
  }
  const out = new Float32Array(Math.floor((samples.length * to) / from));
  for (let n = 0; n < out.length; n++) {
    const position = (n * from) / to;
    const i = Math.floor(position);
    const next = Math.min(i + 1, source.length - 1);
    out[n] = source[i]! + (position - i) * (source[next]! - source[i]!);
  }
  return out;
}
