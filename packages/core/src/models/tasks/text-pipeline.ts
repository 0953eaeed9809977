/**
 * The worker-side half of a text task: tokenize, run the graph, pool or classify. It runs inside the ORT
 * worker process next to the session, so neither tokenizing nor post-processing ever blocks the HTTP thread;
 * the main thread only sends strings and receives the task's outputs. A spec is plain data (it crosses to
 * the worker with each run), and the worker builds one pipeline per session from it.
 */
import path from 'node:path';
import type { Tensor, TensorSpec } from '../tensors/tensor.js';
import { labelProbabilities, l2Normalize, meanPool } from './text-postprocess.js';
import { loadTextTokenizer, type TokenBatch } from './text-tokenizer.js';

/** An extra INT32 [rows] output every text run returns: real tokens per text, for usage accounting. */
export const TOKEN_COUNT_OUTPUT = 'token_count';

export interface TextPipelineSpec {
  task: 'text-embedding' | 'text-classification';
  tokenizerPath: string;
  maxSequenceLength: number;
  /** The graph's token inputs (input_ids, attention_mask, token_type_ids) as INT64 or INT32. */
  tokenInputs: TensorSpec[];
  /** The graph output read: token states / a pooled vector (embedding) or logits (classification). */
  graphOutput: string;
  normalize: boolean;
  labels: string[];
  labelCount: number;
}

/** Runs the session's graph (inside the worker). */
export type GraphRunner = (feeds: Tensor[], outputNames: string[]) => Promise<Tensor[]>;

export interface TextPipeline {
  run(texts: string[], outputNames: string[], runGraph: GraphRunner, checkDeadline: () => void): Promise<Tensor[]>;
}

function tokenFeeds(spec: TextPipelineSpec, batch: TokenBatch): Tensor[] {
  const shape = [batch.batchSize, batch.sequenceLength];
  const sources: Record<string, BigInt64Array> = {
    input_ids: batch.inputIds,
    attention_mask: batch.attentionMask,
    token_type_ids: batch.tokenTypeIds,
  };
  return spec.tokenInputs.map((input) => {
    const values = sources[input.name]!;
    return {
      name: input.name,
      datatype: input.datatype,
      shape,
      data: input.datatype === 'INT32' ? Int32Array.from(values, Number) : values,
    };
  });
}

function embeddingOutputs(spec: TextPipelineSpec, states: Tensor, batch: TokenBatch): Tensor[] {
  const width = states.shape[states.shape.length - 1]!;
  const vectors =
    states.shape.length === 3
      ? meanPool(states.data as Float32Array, batch.attentionMask, batch.batchSize, batch.sequenceLength, width)
      : Float32Array.from(states.data as Float32Array);
  if (spec.normalize) l2Normalize(vectors, width);
  return [{ name: 'embedding', datatype: 'FP32', shape: [batch.batchSize, width], data: vectors }];
}

function classificationOutputs(spec: TextPipelineSpec, logits: Tensor, rows: number): Tensor[] {
  const { labelCount } = spec;
  const probabilities = labelProbabilities(logits.data as Float32Array | Float64Array, rows, logits.shape[1]!, labelCount);
  const label: string[] = [];
  const score = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = 0;
    for (let i = 1; i < labelCount; i++) if (probabilities[row * labelCount + i]! > probabilities[row * labelCount + best]!) best = i;
    label.push(spec.labels[best] ?? String(best));
    score[row] = probabilities[row * labelCount + best]!;
  }
  return [
    { name: 'label', datatype: 'BYTES', shape: [rows], data: label },
    { name: 'score', datatype: 'FP32', shape: [rows], data: score },
    { name: 'probabilities', datatype: 'FP32', shape: [rows, labelCount], data: probabilities },
  ];
}

export async function createTextPipeline(spec: TextPipelineSpec): Promise<TextPipeline> {
  const tokenizer = await loadTextTokenizer(path.dirname(spec.tokenizerPath), path.basename(spec.tokenizerPath), spec.maxSequenceLength);
  return {
    async run(texts, outputNames, runGraph, checkDeadline) {
      const batch = tokenizer.encodeBatch(texts, checkDeadline);
      checkDeadline();
      const [raw] = await runGraph(tokenFeeds(spec, batch), [spec.graphOutput]);
      const all = spec.task === 'text-embedding' ? embeddingOutputs(spec, raw!, batch) : classificationOutputs(spec, raw!, texts.length);
      all.push({ name: TOKEN_COUNT_OUTPUT, datatype: 'INT32', shape: [texts.length], data: Int32Array.from(batch.tokenCounts) });
      return outputNames.map((name) => all.find((t) => t.name === name)!);
    },
  };
}
