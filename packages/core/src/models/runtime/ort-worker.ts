/**
 * The worker thread that owns ONNX Runtime sessions. ORT's create() and run() are synchronous on the calling
 * thread, so they live here, never on the HTTP thread. Each message is handled to completion in order.
 */
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { WireTensor, WorkerRequest, WorkerResponse } from './worker-protocol.js';
import { keepFloat16AsUint16Bits } from './ort-float16.js';

if (!parentPort) throw new Error('ort-worker must run inside a worker thread');
const port = parentPort;
keepFloat16AsUint16Bits();
const sessions = new Map<number, ort.InferenceSession>();
let nextSessionId = 1;

function reply(message: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

function toOrtTensor(wire: WireTensor): ort.Tensor {
  return new ort.Tensor(wire.type as ort.Tensor.Type, wire.data as ort.Tensor.DataType, wire.dims);
}

/** A transferable copy-free view when the buffer is ours alone; otherwise a copy (ORT may back it natively). */
function toWire(tensor: ort.Tensor, transfer: ArrayBuffer[]): WireTensor {
  const data = tensor.data;
  if (Array.isArray(data)) return { type: tensor.type as WireTensor['type'], dims: [...tensor.dims], data };
  const typed = data as Exclude<WireTensor['data'], string[]>;
  const owned = typed.byteOffset === 0 && typed.byteLength === typed.buffer.byteLength && typed.buffer instanceof ArrayBuffer
    ? typed
    : (typed.slice() as typeof typed);
  transfer.push(owned.buffer as ArrayBuffer);
  return { type: tensor.type as WireTensor['type'], dims: [...tensor.dims], data: owned };
}

async function handle(message: WorkerRequest): Promise<void> {
  switch (message.kind) {
    case 'load': {
      const started = performance.now();
      const session = await ort.InferenceSession.create(message.modelPath, {
        intraOpNumThreads: message.options.intraOpNumThreads,
        interOpNumThreads: message.options.interOpNumThreads,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      const sessionId = nextSessionId++;
      sessions.set(sessionId, session);
      reply({
        kind: 'loaded',
        id: message.id,
        sessionId,
        inputs: session.inputMetadata.map((m) => ({ name: m.name, isTensor: m.isTensor, type: m.isTensor ? m.type : 'unknown', shape: m.isTensor ? [...m.shape] : [] })),
        outputs: session.outputMetadata.map((m) => ({ name: m.name, isTensor: m.isTensor, type: m.isTensor ? m.type : 'unknown', shape: m.isTensor ? [...m.shape] : [] })),
        loadMs: performance.now() - started,
      });
      return;
    }
    case 'run': {
      const session = sessions.get(message.sessionId);
      if (!session) throw new Error(`session ${message.sessionId} is not loaded in this worker`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, wire] of Object.entries(message.feeds)) feeds[name] = toOrtTensor(wire);
      const started = performance.now();
      const results = await session.run(feeds, message.outputNames);
      const computeMs = performance.now() - started;
      const transfer: ArrayBuffer[] = [];
      const outputs: Record<string, WireTensor> = {};
      for (const name of message.outputNames) outputs[name] = toWire(results[name]!, transfer);
      for (const tensor of Object.values(results)) tensor.dispose?.();
      reply({ kind: 'ran', id: message.id, outputs, computeMs }, transfer);
      return;
    }
    case 'release': {
      const session = sessions.get(message.sessionId);
      sessions.delete(message.sessionId);
      await session?.release();
      reply({ kind: 'released', id: message.id });
      return;
    }
  }
}

port.on('message', (message: WorkerRequest) => {
  handle(message).catch((error: unknown) => {
    reply({ kind: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  });
});
