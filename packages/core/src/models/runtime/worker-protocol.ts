/**
 * Messages between the main thread and an ORT worker process (over its IPC channel, structured-clone
 * serialization). Tensor data crosses as typed arrays (numbers) or plain string arrays (BYTES).
 */
import type { OrtType, TensorData } from '../tensors/datatypes.js';
import type { TextPipelineSpec } from '../tasks/text-pipeline.js';
import type { DecoderSpec } from '../generation/decoder-spec.js';
import type { GenerateStep, GenerateStepResult } from '../generation/generation-step.js';

export interface WireTensor {
  type: OrtType;
  dims: number[];
  data: TensorData;
}

/** What ORT reports about one input or output; dims may be symbolic names for dynamic axes. */
export interface WireValueInfo {
  name: string;
  isTensor: boolean;
  type: string;
  shape: (number | string)[];
}

export interface SessionOptionsWire {
  intraOpNumThreads: number;
  interOpNumThreads: number;
}

export type WorkerRequest =
  /** The pool picks session ids, so a respawned worker reloads a session under the id its handles carry. */
  | { kind: 'load'; id: number; sessionId: number; modelPath: string; options: SessionOptionsWire }
  | {
      kind: 'run';
      id: number;
      sessionId: number;
      feeds: Record<string, WireTensor>;
      outputNames: string[];
      /** Wall-clock ms after which nobody waits for the result: the worker stops between texts. */
      expiresAt: number;
      /** Text tasks: tokenize the `text` feed, run, and post-process in the worker. */
      pipeline?: TextPipelineSpec;
    }
  /** One generation step on a decoder session; its KV caches live in the worker (generation-step.ts). */
  | { kind: 'generate'; id: number; sessionId: number; spec: DecoderSpec; step: GenerateStep }
  | { kind: 'release'; id: number; sessionId: number };

export type WorkerResponse =
  | { kind: 'loaded'; id: number; inputs: WireValueInfo[]; outputs: WireValueInfo[]; loadMs: number }
  | { kind: 'ran'; id: number; outputs: Record<string, WireTensor>; computeMs: number }
  | { kind: 'generated'; id: number; result: GenerateStepResult }
  | { kind: 'released'; id: number }
  /** The run stopped itself because its deadline passed. */
  | { kind: 'expired'; id: number }
  | { kind: 'failed'; id: number; message: string };
