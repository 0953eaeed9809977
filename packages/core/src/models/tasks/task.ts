/**
 * A task sits between the protocol and the raw ONNX graph: it declares the model's public signature and turns
 * protocol inputs into feeds and raw outputs back into protocol outputs (tokenize, pool, softmax, label...).
 */
import type { InferenceCaller } from '../../auth/caller.js';
import type { Deadline } from '../deadline.js';
import type { ModelSignature, Tensor } from '../tensors/tensor.js';
import type { TextPipelineSpec } from './text-pipeline.js';
import type { TextGenerationModel } from './text-generation-task.js';

export interface RawRunResult {
  outputs: Tensor[];
  computeMs: number;
}

/**
 * Runs the resolved version's session (through batching and the worker pool): the raw ONNX graph, or for a
 * task with a worker-side pipeline, that pipeline (texts in, task outputs out).
 */
export type RawRunner = (feeds: Tensor[], outputNames: string[]) => Promise<RawRunResult>;

export interface TaskResult {
  outputs: Tensor[];
  /** Items in the request (the batch dimension); for metering. */
  items: number;
  /** Tokens consumed, for text tasks. */
  tokens?: number;
  computeMs: number;
}

/** The request a task runs for: what a pipeline passes on to its member models. */
export interface TaskRequest {
  deadline: Deadline;
  caller?: InferenceCaller;
  /** The pipelines this request runs inside, outermost first (empty for a client's own request). */
  partOf: readonly string[];
}

export interface ModelTaskHandler {
  readonly name: string;
  /** What clients see at /v2/models/{m}: the task's inputs and outputs, not the graph's. */
  readonly signature: ModelSignature;
  /** Work the ORT worker does around the graph (text tasks: tokenize before, pool or classify after). */
  readonly pipeline?: TextPipelineSpec;
  /** text-generation: what the generation service needs (decoder layout, tokenizer, end tokens). */
  readonly generation?: TextGenerationModel;
  /** BYTES inputs are files (a pipeline's image or audio), not text: raw bytes need not be UTF-8. */
  readonly acceptsFiles?: boolean;
  /** Validated inputs in, requested outputs out. */
  run(inputs: Tensor[], outputNames: string[], runRaw: RawRunner, request: TaskRequest): Promise<TaskResult>;
}

/** Tensors by name, for handlers that read specific inputs. */
export function byName(tensors: Tensor[]): Map<string, Tensor> {
  return new Map(tensors.map((t) => [t.name, t]));
}
