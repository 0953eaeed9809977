/**
 * The ORT worker process: owns ONNX Runtime sessions (and text tasks' tokenizers). ORT's create() and run()
 * are synchronous on the calling thread, so they live here, never on the HTTP thread; and in a process of
 * its own, not a thread, so that a worker killed or crashing inside session.run() cannot abort the server
 * (a terminated worker thread inside run() takes the whole process down with a native exception).
 * Messages are handled one at a time; the pool sends the next only after the reply.
 */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { DATATYPES, v2DatatypeOf } from '../tensors/datatypes.js';
import type { Tensor } from '../tensors/tensor.js';
import { createTextPipeline, type TextPipeline } from '../tasks/text-pipeline.js';
import type { WireTensor, WorkerRequest, WorkerResponse } from './worker-protocol.js';
import { keepFloat16AsUint16Bits } from './ort-float16.js';
import { GenerationState } from '../generation/generation-step.js';

if (!process.send) throw new Error('ort-worker must run as a child process with an IPC channel');
keepFloat16AsUint16Bits();
const sessions = new Map<number, ort.InferenceSession>();
/** Per session: the pipeline built for the spec (as JSON) it was last asked to run. */
const pipelines = new Map<number, { spec: string; pipeline: Promise<TextPipeline> }>();
/** Per decoder session: its sequences' KV caches and samplers. */
const generations = new Map<number, GenerationState>();

class RunExpired extends Error {}

function reply(message: WorkerResponse): void {
  process.send!(message);
}

function toOrtTensor(wire: WireTensor): ort.Tensor {
  return new ort.Tensor(wire.type as ort.Tensor.Type, wire.data as ort.Tensor.DataType, wire.dims);
}

function describe(metadata: readonly ort.InferenceSession.ValueMetadata[]) {
  return metadata.map((m) => ({
    name: m.name,
    isTensor: m.isTensor,
    type: m.isTensor ? m.type : 'unknown',
    shape: m.isTensor ? [...m.shape] : [],
  }));
}

async function runGraph(
  session: ort.InferenceSession,
  feeds: Record<string, WireTensor>,
  outputNames: string[],
): Promise<Record<string, WireTensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, wire] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(wire);
  const results = await session.run(ortFeeds, outputNames);
  const outputs: Record<string, WireTensor> = {};
  for (const name of outputNames) {
    const tensor = results[name]!;
    outputs[name] = { type: tensor.type as WireTensor['type'], dims: [...tensor.dims], data: tensor.data as WireTensor['data'] };
  }
  return outputs;
}

function pipelineFor(sessionId: number, spec: NonNullable<Extract<WorkerRequest, { kind: 'run' }>['pipeline']>): Promise<TextPipeline> {
  const key = JSON.stringify(spec);
  let entry = pipelines.get(sessionId);
  if (entry?.spec !== key) {
    entry = { spec: key, pipeline: createTextPipeline(spec) };
    pipelines.set(sessionId, entry);
  }
  return entry.pipeline;
}

async function runPipeline(
  session: ort.InferenceSession,
  message: Extract<WorkerRequest, { kind: 'run' }>,
): Promise<Record<string, WireTensor>> {
  const pipeline = await pipelineFor(message.sessionId, message.pipeline!);
  const texts = message.feeds.text!.data as string[];
  const checkDeadline = () => {
    if (Date.now() >= message.expiresAt) throw new RunExpired();
  };
  const runTensors = async (feeds: Tensor[], names: string[]): Promise<Tensor[]> => {
    const wire: Record<string, WireTensor> = {};
    for (const feed of feeds) wire[feed.name] = { type: DATATYPES[feed.datatype].ort, dims: feed.shape, data: feed.data };
    const outputs = await runGraph(session, wire, names);
    return names.map((name) => ({
      name,
      datatype: v2DatatypeOf(outputs[name]!.type)!,
      shape: outputs[name]!.dims,
      data: outputs[name]!.data,
    }));
  };
  const tensors = await pipeline.run(texts, message.outputNames, runTensors, checkDeadline);
  return Object.fromEntries(tensors.map((t) => [t.name, { type: DATATYPES[t.datatype].ort, dims: t.shape, data: t.data }]));
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
      sessions.set(message.sessionId, session);
      reply({
        kind: 'loaded',
        id: message.id,
        inputs: describe(session.inputMetadata),
        outputs: describe(session.outputMetadata),
        loadMs: performance.now() - started,
      });
      return;
    }
    case 'run': {
      const session = sessions.get(message.sessionId);
      if (!session) throw new Error(`session ${message.sessionId} is not loaded in this worker`);
      const started = performance.now();
      const outputs = message.pipeline ? await runPipeline(session, message) : await runGraph(session, message.feeds, message.outputNames);
      reply({ kind: 'ran', id: message.id, outputs, computeMs: performance.now() - started });
      return;
    }
    case 'generate': {
      const session = sessions.get(message.sessionId);
      if (!session) throw new Error(`session ${message.sessionId} is not loaded in this worker`);
      let state = generations.get(message.sessionId);
      if (!state) {
        state = new GenerationState(message.spec, session);
        generations.set(message.sessionId, state);
      }
      reply({ kind: 'generated', id: message.id, result: await state.step(message.step) });
      return;
    }
    case 'release': {
      const session = sessions.get(message.sessionId);
      sessions.delete(message.sessionId);
      pipelines.delete(message.sessionId);
      generations.delete(message.sessionId);
      await session?.release();
      reply({ kind: 'released', id: message.id });
      return;
    }
  }
}

process.on('message', (message: WorkerRequest) => {
  handle(message).catch((error: unknown) => {
    if (error instanceof RunExpired) reply({ kind: 'expired', id: message.id });
    else reply({ kind: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  });
});
// The server went away (its IPC channel closed): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
