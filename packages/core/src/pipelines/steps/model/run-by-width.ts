/**
 * model.run_by_width: runs a member model over a batch of right-padded rows (text lines [N, C, H, W]) in groups
 * of similar width, each group cut to its own widest row, and puts the answers back in the rows' order. One
 * long line no longer makes every short line pay for its width (PaddleOCR sorts its recognizer's batches by
 * aspect ratio for the same reason); it does less work than one padded batch and reads the same text.
 * Answers of a narrower group have fewer steps along axis 1: the missing steps are zeros, or a one-hot of
 * `fill_class` (a CTC blank), so that later steps see a uniform [N, T, K] tensor.
 * `reduce: "best_class"` keeps only each step's best class and its probability, FP32 [N, T, 2], taken from each
 * group's answer as it arrives: a recognizer's [N, T, 6625] probabilities of a page full of lines would be
 * gigabytes, the pairs are kilobytes (greedy CTC decoding needs nothing else).
 */
import type { Tensor } from '../../../models/tensors/tensor.js';
import type { StepOp } from '../../step-op.js';
import { expectTensor, float32Data } from '../image/tensor-checks.js';

interface RunByWidthParams {
  model: string;
  version?: string;
  input: string;
  output: string;
}

/** Rows [first, first + count) of `order`, cut to `width` columns: FP32 [count, C, H, width]. */
function gatherRows(data: Float32Array, shape: number[], rows: number[], width: number): Float32Array {
  const [, channels, height, fullWidth] = shape as [number, number, number, number];
  const out = new Float32Array(rows.length * channels * height * width);
  let at = 0;
  for (const row of rows) {
    for (let line = 0; line < channels * height; line++) {
      const from = (row * channels * height + line) * fullWidth;
      out.set(data.subarray(from, from + Math.min(width, fullWidth)), at);
      at += width;
    }
  }
  return out;
}

export interface WidthGrouping {
  batchSize: number;
  minWidth: number;
  fillClass?: number;
  /** Keep only (best class, its probability) per step. */
  bestClass?: boolean;
}

/** [g, T, K] probabilities -> [g, T, 2] (index of the largest, its value). */
function bestClassPairs(shape: number[], data: Float32Array): Float32Array {
  const [rows, steps, classes] = shape as [number, number, number];
  const pairs = new Float32Array(rows * steps * 2);
  for (let at = 0; at < rows * steps; at++) {
    const offset = at * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[offset + c]! > data[offset + best]!) best = c;
    pairs[2 * at] = best;
    pairs[2 * at + 1] = data[offset + best]!;
  }
  return pairs;
}

/** Runs one group: FP32 [g, C, H, width] in, the member's FP32 [g, T, K] out. */
export type GroupRunner = (shape: number[], data: Float32Array) => Promise<Tensor>;

/** The grouping itself, apart from how a group is run (a member call here; an HTTP call in the bench's client). */
export async function runByWidth(tensor: Tensor, widths: Tensor, grouping: WidthGrouping, runGroup: GroupRunner): Promise<Tensor> {
  const shape = expectTensor(tensor, 'tensor', 'FP32', [-1, -1, -1, -1]);
  const [rows, , , fullWidth] = shape as [number, number, number, number];
  expectTensor(widths, 'widths', 'INT32', [rows]);
  if (rows === 0) return { name: 'output', datatype: 'FP32', shape: [0, 0, 0], data: new Float32Array(0) };
  const data = float32Data(tensor);
  const rowWidth = (row: number) => Math.min(fullWidth, Math.max(1, (widths.data as Int32Array)[row]!));
  const order = Array.from({ length: rows }, (_, row) => row).sort((a, b) => rowWidth(a) - rowWidth(b));
  const answers: { rows: number[]; shape: number[]; data: Float32Array }[] = [];
  for (let first = 0; first < rows; first += grouping.batchSize) {
    const group = order.slice(first, first + grouping.batchSize);
    const width = Math.min(fullWidth, Math.max(grouping.minWidth, rowWidth(group.at(-1)!)));
    const answer = await runGroup([group.length, shape[1]!, shape[2]!, width], gatherRows(data, shape, group, width));
    const answerShape = expectTensor(answer, 'output', 'FP32', [group.length, -1, -1]);
    if (grouping.fillClass !== undefined && grouping.fillClass >= answerShape[2]!)
      throw new Error(`fill_class ${grouping.fillClass} is not one of the member's ${answerShape[2]} classes`);
    answers.push(
      grouping.bestClass
        ? { rows: group, shape: [group.length, answerShape[1]!, 2], data: bestClassPairs(answerShape, float32Data(answer)) }
        : { rows: group, shape: answerShape, data: float32Data(answer) },
    );
  }
  const classes = answers[0]!.shape[2]!;
  if (answers.some((answer) => answer.shape[2] !== classes)) throw new Error('the member answered groups with different last dimensions');
  const steps = answers.reduce((most, answer) => Math.max(most, answer.shape[1]!), 0);
  const out = new Float32Array(rows * steps * classes);
  for (const answer of answers) {
    const answerSteps = answer.shape[1]!;
    answer.rows.forEach((row, index) => {
      out.set(answer.data.subarray(index * answerSteps * classes, (index + 1) * answerSteps * classes), row * steps * classes);
      if (grouping.fillClass === undefined) return;
      for (let step = answerSteps; step < steps; step++) {
        const at = (row * steps + step) * classes;
        if (grouping.bestClass) [out[at], out[at + 1]] = [grouping.fillClass, 1];
        else out[at + grouping.fillClass] = 1;
      }
    });
  }
  return { name: 'output', datatype: 'FP32', shape: [rows, steps, classes], data: out };
}

export const runByWidthOp: StepOp = {
  op: 'model.run_by_width',
  summary: 'Runs a member over right-padded rows FP32 [N,C,H,W] in groups of similar width; FP32 [N,T,K] back in row order.',
  inputs: ['tensor', 'widths'],
  outputs: ['output'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'input', 'output'],
    properties: {
      model: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$' },
      version: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
      input: { type: 'string', minLength: 1, maxLength: 256 },
      output: { type: 'string', minLength: 1, maxLength: 256 },
      batch_size: { type: 'integer', minimum: 1, maximum: 1024, description: 'rows per member run (default 6, PaddleOCR rec_batch_num)' },
      min_width: { type: 'integer', minimum: 1, maximum: 8192, description: 'narrowest group width (default 1)' },
      fill_class: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'one-hot class for the missing steps (default: zeros)' },
      reduce: { enum: ['best_class'], description: 'keep only (best class, probability) per step: FP32 [N, T, 2]' },
    },
  },
  prepare(params) {
    const { model, version, input, output } = params as unknown as RunByWidthParams;
    const grouping: WidthGrouping = {
      batchSize: (params.batch_size as number | undefined) ?? 6,
      minWidth: (params.min_width as number | undefined) ?? 1,
      fillClass: params.fill_class as number | undefined,
      bestClass: params.reduce === 'best_class',
    };
    return async ({ tensor, widths }, context) => {
      const runGroup: GroupRunner = async (shape, data) => {
        const { outputs } = await context.invoke(model, version, [{ name: input, datatype: 'FP32', shape, data }], [output]);
        return outputs.find((tensor) => tensor.name === output)!;
      };
      return { output: await runByWidth(tensor!, widths!, grouping, runGroup) };
    };
  },
};
