/**
 * text.filter_lines: drops recognised lines that are empty or less confident than `min_score`, with their boxes
 * (PaddleOCR's drop_score, 0.5 by default): noise the detector took for text reads as "" or a stray character
 * at low confidence, and an answer is cleaner without it.
 */
import type { StepOp } from '../../step-op.js';
import { expectTensor, float32Data } from './tensor-checks.js';

export const filterLinesOp: StepOp = {
  op: 'text.filter_lines',
  summary: 'Keeps lines (text BYTES [N], scores FP32 [N], boxes FP32 [N,...]) that are non-empty and score >= min_score.',
  inputs: ['text', 'scores', 'boxes'],
  outputs: ['text', 'scores', 'boxes'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { min_score: { type: 'number', minimum: 0, maximum: 1, description: 'default 0.5' } },
  },
  prepare(params) {
    const minScore = (params.min_score as number | undefined) ?? 0.5;
    return ({ text, scores, boxes }) => {
      const [count] = expectTensor(text!, 'text', 'BYTES', [-1]) as [number];
      expectTensor(scores!, 'scores', 'FP32', [count]);
      if (boxes!.datatype !== 'FP32' || boxes!.shape[0] !== count) {
        throw new Error(`port "boxes" expects FP32 [${count}, ...], got ${boxes!.datatype} [${boxes!.shape.join(',')}]`);
      }
      const lines = text!.data as string[];
      const score = float32Data(scores!);
      const box = float32Data(boxes!);
      const rowSize = count > 0 ? box.length / count : 0;
      const keep = lines.flatMap((line, n) => (line.trim() !== '' && score[n]! >= minScore ? [n] : []));
      const keptBoxes = new Float32Array(keep.length * rowSize);
      keep.forEach((n, i) => keptBoxes.set(box.subarray(n * rowSize, (n + 1) * rowSize), i * rowSize));
      return Promise.resolve({
        text: { name: 'text', datatype: 'BYTES', shape: [keep.length], data: keep.map((n) => lines[n]!) },
        scores: { name: 'scores', datatype: 'FP32', shape: [keep.length], data: Float32Array.from(keep, (n) => score[n]!) },
        boxes: { name: 'boxes', datatype: 'FP32', shape: [keep.length, ...boxes!.shape.slice(1)], data: keptBoxes },
      });
    };
  },
};
