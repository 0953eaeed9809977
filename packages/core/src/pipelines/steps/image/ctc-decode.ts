/**
 * text.ctc_decode: a CTC recognizer's per-step class probabilities FP32 [N, T, C] -> one string per row and its
 * confidence (0 for an empty line). Classes follow PaddleOCR's convention: 0 is the blank, then one per line of
 * the dictionary file, then (append_space) a space.
 * - beam_width 1 (default, PaddleOCR's decoder): greedy, the best class per step, repeats merged, blanks
 *   dropped; confidence is the mean probability of the kept characters.
 * - beam_width > 1: prefix beam search (ctc-beam-search.ts), the most probable text over all alignments;
 *   confidence is that text's probability per character, P^(1/length).
 * - trim_spaces (default true): spaces at either end of a line are dropped (a crop's margin can read as one).
 * - input "best_class": `probs` holds only each step's (best class, probability) pairs, FP32 [N, T, 2]
 *   (model.run_by_width's `reduce`); greedy decoding only.
 */
import type { StepOp } from '../../step-op.js';
import type { Tensor } from '../../../models/tensors/tensor.js';
import { beamSearchRow } from './ctc-beam-search.js';
import { expectTensor, float32Data } from './tensor-checks.js';

export function dictionaryClasses(text: string, appendSpace: boolean): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return ['', ...lines, ...(appendSpace ? [' '] : [])];
}

/** Greedy decoding of (best class, probability) pairs FP32 [N, T, 2]. */
export function ctcDecodeBestClasses(pairs: Tensor, classes: readonly string[]): { text: string[]; confidence: Float32Array } {
  if (pairs.shape[0] === 0) return { text: [], confidence: new Float32Array(0) };
  const [count, steps] = expectTensor(pairs, 'probs', 'FP32', [-1, -1, 2]) as [number, number];
  const data = float32Data(pairs);
  const text: string[] = [];
  const confidence = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    let line = '';
    let sum = 0;
    let kept = 0;
    let previous = -1;
    for (let t = 0; t < steps; t++) {
      const best = data[2 * (n * steps + t)]!;
      if (!Number.isInteger(best) || best < 0 || best >= classes.length)
        throw new Error(`class ${best} at row ${n}, step ${t} is not one of the ${classes.length} classes`);
      if (best !== 0 && best !== previous) {
        line += classes[best];
        sum += data[2 * (n * steps + t) + 1]!;
        kept++;
      }
      previous = best;
    }
    text.push(line);
    confidence[n] = kept > 0 ? sum / kept : 0;
  }
  return { text, confidence };
}

export function ctcDecode(probs: Tensor, classes: readonly string[], beamWidth = 1): { text: string[]; confidence: Float32Array } {
  // No lines (a page without text): the recognizer may have been skipped, so its output's shape says nothing.
  if (probs.shape[0] === 0) return { text: [], confidence: new Float32Array(0) };
  const [count, steps, size] = expectTensor(probs, 'probs', 'FP32', [-1, -1, -1]) as [number, number, number];
  if (size !== classes.length) {
    throw new Error(
      `the model gives ${size} classes; blank + dictionary${classes.at(-1) === ' ' ? ' + space' : ''} make ${classes.length}`,
    );
  }
  const data = float32Data(probs);
  const text: string[] = [];
  const confidence = new Float32Array(count);
  for (let n = 0; n < count; n++) {
    if (beamWidth > 1) {
      const { labels, logProbability } = beamSearchRow(data, n * steps * size, steps, size, beamWidth);
      text.push(labels.map((c) => classes[c]).join(''));
      confidence[n] = labels.length > 0 ? Math.min(1, Math.exp(logProbability / labels.length)) : 0;
      continue;
    }
    let line = '';
    let sum = 0;
    let kept = 0;
    let previous = -1;
    for (let t = 0; t < steps; t++) {
      const offset = (n * steps + t) * size;
      let best = 0;
      for (let c = 1; c < size; c++) if (data[offset + c]! > data[offset + best]!) best = c;
      if (best !== 0 && best !== previous) {
        line += classes[best];
        sum += data[offset + best]!;
        kept++;
      }
      previous = best;
    }
    text.push(line);
    confidence[n] = kept > 0 ? sum / kept : 0;
  }
  return { text, confidence };
}

export const ctcDecodeOp: StepOp = {
  op: 'text.ctc_decode',
  summary: 'Greedy CTC decoding of FP32 [N,T,C] with a dictionary file -> text BYTES [N], confidence FP32 [N].',
  inputs: ['probs'],
  outputs: ['text', 'confidence'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['dictionary'],
    properties: {
      dictionary: { type: 'string', minLength: 1, maxLength: 255, description: 'file in the version folder, one class per line' },
      append_space: { type: 'boolean', description: 'default true: a space class follows the dictionary' },
      beam_width: { type: 'integer', minimum: 1, maximum: 64, description: 'default 1 (greedy)' },
      trim_spaces: { type: 'boolean', description: 'default true: drop spaces at either end of each line' },
      input: { enum: ['probabilities', 'best_class'], description: 'default probabilities: [N,T,C]; best_class: [N,T,2] pairs' },
    },
  },
  async prepare(params, files) {
    const classes = dictionaryClasses(
      await files.readText(params.dictionary as string),
      (params.append_space as boolean | undefined) ?? true,
    );
    if (classes.length < 2) throw new Error(`dictionary ${String(params.dictionary)} is empty`);
    const beamWidth = (params.beam_width as number | undefined) ?? 1;
    const trim = (params.trim_spaces as boolean | undefined) ?? true;
    const bestClassInput = params.input === 'best_class';
    if (bestClassInput && beamWidth > 1) throw new Error('input "best_class" decodes greedily: beam_width must be 1');
    return ({ probs }) => {
      const decoded = bestClassInput ? ctcDecodeBestClasses(probs!, classes) : ctcDecode(probs!, classes, beamWidth);
      const text = trim ? decoded.text.map((line) => line.replace(/^ +| +$/g, '')) : decoded.text;
      const confidence = decoded.confidence;
      return Promise.resolve({
        text: { name: 'text', datatype: 'BYTES', shape: [text.length], data: text },
        confidence: { name: 'confidence', datatype: 'FP32', shape: [text.length], data: confidence },
      });
    };
  },
};
