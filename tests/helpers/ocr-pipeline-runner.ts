/**
 * Runs the demo's `ocr` pipeline.json in-process, step by step, with the built-in image ops and the real member
 * models in onnxruntime-node sessions: a stand-in for the server's pipeline task so the ops can be tested on
 * their own. Params are checked against each op's schema with Ajv, as the server does at load.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../packages/core/src/models/tensors/tensor.js';
import { BUILT_IN_STEP_OPS } from '../../packages/core/src/pipelines/step-catalogue.js';
import type { PreparedStep, StepContext } from '../../packages/core/src/pipelines/step-op.js';

interface StepSpec {
  name: string;
  op?: string;
  model?: string;
  params?: Record<string, unknown>;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

type Runnable = (inputs: Record<string, Tensor>, context: StepContext) => Promise<Record<string, Tensor>>;

export interface OcrResult {
  text: string[];
  boxes: Float32Array;
  scores: Float32Array;
}

export interface OcrRunner {
  /** The pipeline's tensors after the last step, by name. */
  runTensors(image: Buffer): Promise<Record<string, Tensor>>;
  run(image: Buffer): Promise<OcrResult>;
  close(): Promise<void>;
}

/** A member model: an ORT session; an empty batch skips the run and gives empty outputs (ORT cannot run it). */
async function memberStep(modelsDir: string, model: string, sessions: ort.InferenceSession[]): Promise<Runnable> {
  const session = await ort.InferenceSession.create(path.join(modelsDir, model, '1', 'model.onnx'));
  sessions.push(session);
  return async (inputs) => {
    if (Object.values(inputs).some((t) => t.shape.includes(0))) {
      return Object.fromEntries(
        session.outputMetadata.map((meta) => {
          const shape = meta.isTensor ? meta.shape.map((d) => (typeof d === 'number' ? d : 0)) : [0];
          return [meta.name, { name: meta.name, datatype: 'FP32', shape, data: new Float32Array(0) } as Tensor];
        }),
      );
    }
    const feeds = Object.fromEntries(
      Object.entries(inputs).map(([port, t]) => [port, new ort.Tensor('float32', t.data as Float32Array, t.shape)]),
    );
    const results = await session.run(feeds);
    return Object.fromEntries(
      Object.entries(results).map(([name, t]) => [
        name,
        { name, datatype: 'FP32', shape: [...t.dims], data: t.data as Float32Array } as Tensor,
      ]),
    );
  };
}

export async function createOcrRunner(modelsDir: string, pipelineName = 'ocr'): Promise<OcrRunner> {
  const versionDir = path.join(modelsDir, pipelineName, '1');
  const pipeline = JSON.parse(await readFile(path.join(versionDir, 'pipeline.json'), 'utf8')) as { steps: StepSpec[] };
  const ajv = new Ajv({ coerceTypes: false, useDefaults: false });
  const files = { readText: (relative: string) => readFile(path.join(versionDir, relative), 'utf8') };
  const sessions: ort.InferenceSession[] = [];
  const steps: { spec: StepSpec; run: Runnable }[] = [];
  // Members an op calls itself (model.run_by_width), by name: the same in-process sessions.
  const members = new Map<string, Promise<Runnable>>();
  const member = (model: string) => {
    if (!members.has(model)) members.set(model, memberStep(modelsDir, model, sessions));
    return members.get(model)!;
  };
  for (const spec of pipeline.steps) {
    if (spec.model) {
      steps.push({ spec, run: await memberStep(modelsDir, spec.model, sessions) });
      continue;
    }
    const op = BUILT_IN_STEP_OPS.find((candidate) => candidate.op === spec.op);
    if (!op) throw new Error(`step ${spec.name}: unknown op ${spec.op}`);
    const params = spec.params ?? {};
    if (!ajv.validate(op.paramsSchema, params)) throw new Error(`step ${spec.name}: ${ajv.errorsText()}`);
    const prepared: PreparedStep = await op.prepare(params, files);
    steps.push({ spec, run: prepared });
  }

  async function runTensors(image: Buffer): Promise<Record<string, Tensor>> {
    const tensors: Record<string, Tensor> = {
      image: { name: 'image', datatype: 'BYTES', shape: [1], data: [image.toString('base64')] },
    };
    for (const { spec, run } of steps) {
      const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([port, tensor]) => [port, tensors[tensor]!]));
      const context: StepContext = {
        pipeline: pipelineName,
        step: spec.name,
        invoke: async (model, _version, memberInputs, outputNames) => {
          const answer = await (await member(model))(Object.fromEntries(memberInputs.map((t) => [t.name, t])), context);
          return { outputs: outputNames.map((name) => ({ ...answer[name]!, name })), modelVersion: '1' };
        },
      };
      const outputs = await run(inputs, context);
      for (const [port, tensor] of Object.entries(spec.outputs)) tensors[tensor] = { ...outputs[port]!, name: tensor };
    }
    return tensors;
  }

  return {
    runTensors,
    async run(image) {
      const t = await runTensors(image);
      return { text: t.text!.data as string[], boxes: t.boxes!.data as Float32Array, scores: t.scores!.data as Float32Array };
    },
    async close() {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}
