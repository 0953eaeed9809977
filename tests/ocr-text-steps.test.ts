/**
 * text.ctc_decode and text.filter_lines on hand-made probability tables, where the right answer is known: greedy
 * decoding merges repeats and drops blanks; prefix beam search finds the text that is most probable over all
 * alignments even when no single step votes for one of its characters.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../packages/core/src/models/tensors/tensor.js';
import { ctcDecodeOp, dictionaryClasses } from '../packages/core/src/pipelines/steps/image/ctc-decode.js';
import { filterLinesOp } from '../packages/core/src/pipelines/steps/image/filter-lines.js';
import type { StepContext } from '../packages/core/src/pipelines/step-op.js';

const CONTEXT: StepContext = { pipeline: 'test', step: 'test', invoke: () => Promise.reject(new Error('no models here')) };
const DICTIONARY = 'a\nb\nc\n';
// Classes: 0 blank, 1 a, 2 b, 3 c, 4 space.

/** One row per line; each step is [blank, a, b, c, space] probabilities. */
function probabilities(rows: number[][][]): Tensor {
  const steps = rows[0]!.length;
  return { name: 'probs', datatype: 'FP32', shape: [rows.length, steps, 5], data: Float32Array.from(rows.flat(2)) };
}

async function decode(probs: Tensor, params: Record<string, unknown> = {}) {
  const run = await ctcDecodeOp.prepare({ dictionary: 'keys.txt', ...params }, { readText: () => Promise.resolve(DICTIONARY) });
  const out = await run({ probs }, CONTEXT);
  return { text: out.text!.data as string[], confidence: Array.from(out.confidence!.data as Float32Array) };
}

describe('text.ctc_decode', () => {
  it("follows PaddleOCR's classes: blank, the dictionary's lines, a space", () => {
    expect(dictionaryClasses(DICTIONARY, true)).toEqual(['', 'a', 'b', 'c', ' ']);
    expect(dictionaryClasses('x\r\ny', false)).toEqual(['', 'x', 'y']);
  });

  it('greedy: merges repeats, keeps a repeat split by a blank, drops blanks; confidence is the mean kept probability', async () => {
    const rows = [
      [
        [0, 0.9, 0.1, 0, 0], // a
        [0, 0.8, 0.2, 0, 0], // a (merged)
        [1, 0, 0, 0, 0], // blank
        [0, 0.7, 0.3, 0, 0], // a again
        [0, 0, 0, 0.6, 0.4], // c
      ],
      [
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
        [1, 0, 0, 0, 0],
      ],
    ];
    const { text, confidence } = await decode(probabilities(rows));
    expect(text).toEqual(['aac', '']);
    expect(confidence[0]).toBeCloseTo((0.9 + 0.7 + 0.6) / 3, 5);
    expect(confidence[1]).toBe(0);
  });

  it('beam search finds a space no single step votes for; greedy misses it', async () => {
    // "a", then two steps of (blank 0.6, space 0.4), then "b": P(no space) = 0.36 < P(space) = 0.64.
    const rows = [
      [
        [0, 1, 0, 0, 0],
        [0.6, 0, 0, 0, 0.4],
        [0.6, 0, 0, 0, 0.4],
        [0, 0, 1, 0, 0],
      ],
    ];
    expect((await decode(probabilities(rows), { trim_spaces: false })).text).toEqual(['ab']);
    const beam = await decode(probabilities(rows), { beam_width: 4, trim_spaces: false });
    expect(beam.text).toEqual(['a b']);
    expect(beam.confidence[0]).toBeCloseTo(0.64 ** (1 / 3), 5);
  });

  it('trims spaces at the ends of a line unless told not to', async () => {
    const rows = [
      [
        [0, 0, 0, 0, 1],
        [0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1],
      ],
    ];
    expect((await decode(probabilities(rows))).text).toEqual(['a']);
    expect((await decode(probabilities(rows), { trim_spaces: false })).text).toEqual([' a ']);
  });

  it('gives no lines for an empty batch, whatever shape a skipped recognizer left', async () => {
    for (const shape of [[0], [0, 0, 0], [0, 40, 5]]) {
      const out = await decode({ name: 'probs', datatype: 'FP32', shape, data: new Float32Array(0) });
      expect(out).toEqual({ text: [], confidence: [] });
    }
  });

  it('refuses a model whose class count does not match the dictionary', async () => {
    const probs: Tensor = { name: 'probs', datatype: 'FP32', shape: [1, 1, 7], data: new Float32Array(7) };
    await expect(decode(probs)).rejects.toThrow(/7 classes.*make 5/);
  });
});

describe('text.filter_lines', () => {
  it('drops empty and unconfident lines together with their boxes', async () => {
    const run = await filterLinesOp.prepare({ min_score: 0.5 }, { readText: () => Promise.reject(new Error('unused')) });
    const boxes = Float32Array.from({ length: 4 * 8 }, (_, i) => i);
    const out = await run(
      {
        text: { name: 'text', datatype: 'BYTES', shape: [4], data: ['keep me', '', 'noise', 'and me'] },
        scores: { name: 'scores', datatype: 'FP32', shape: [4], data: Float32Array.from([0.9, 0.9, 0.2, 0.5]) },
        boxes: { name: 'boxes', datatype: 'FP32', shape: [4, 4, 2], data: boxes },
      },
      CONTEXT,
    );
    expect(out.text!.data).toEqual(['keep me', 'and me']);
    expect(Array.from(out.scores!.data as Float32Array)).toEqual([Math.fround(0.9), 0.5]);
    expect(out.boxes!.shape).toEqual([2, 4, 2]);
    expect(Array.from(out.boxes!.data as Float32Array)).toEqual([...boxes.subarray(0, 8), ...boxes.subarray(24, 32)]);
  });
});
