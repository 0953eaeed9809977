/**
 * Messages between the main thread and an ORT worker. Tensor data crosses as transferred ArrayBuffers
 * (numbers) or plain string arrays (BYTES); nothing large is copied.
 */
import type { OrtType, TensorData } from '../tensors/datatypes.js';

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
  | { kind: 'load'; id: number; modelPath: string; options: SessionOptionsWire }
  | { kind: 'run'; id: number; sessionId: number; feeds: Record<string, WireTensor>; outputNames: string[] }
  | { kind: 'release'; id: number; sessionId: number };

export type WorkerResponse =
  | { kind: 'loaded'; id: number; sessionId: number; inputs: WireValueInfo[]; outputs: WireValueInfo[]; loadMs: number }
  | { kind: 'ran'; id: number; outputs: Record<string, WireTensor>; computeMs: number }
  | { kind: 'released'; id: number }
  | { kind: 'failed'; id: number; message: string };
