/**
 * A minimal pipeline runner for the audio tests until the server's pipeline framework lands: it checks each op
 * step's params against the op's schema (Ajv, strict, no coercion) and runs the steps of a pipeline.json in order
 * over a flat namespace of tensors, with a StepContext whose `invoke` is supplied by the test.
 */
import { Ajv } from 'ajv';
import type { Tensor } from '../../packages/core/src/models/tensors/tensor.js';
import { AUDIO_STEP_OPS } from '../../packages/core/src/pipelines/steps/audio/index.js';
import type { PreparedStep } from '../../packages/core/src/pipelines/step-op.js';
import type { Invoke } from './speech-silero.js';

interface PipelineStep {
  name: string;
  op: string;
  params?: Record<string, unknown>;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

export interface PipelineDefinition {
  outputs: { name: string }[];
  steps: PipelineStep[];
}

const ajv = new Ajv({ strict: true, coerceTypes: false, useDefaults: false, allErrors: false });

/** Prepares every step once (as loading a version would), then returns a function that runs the pipeline. */
export async function preparePipeline(name: string, pipeline: PipelineDefinition, invoke: Invoke) {
  const prepared: { step: PipelineStep; run: PreparedStep }[] = [];
  for (const step of pipeline.steps) {
    const op = AUDIO_STEP_OPS.find((candidate) => candidate.op === step.op);
    if (!op) throw new Error(`step "${step.name}": unknown op "${step.op}"`);
    const params = step.params ?? {};
    const validate = ajv.compile(op.paramsSchema);
    if (!validate(params)) throw new Error(`step "${step.name}": ${ajv.errorsText(validate.errors)}`);
    prepared.push({ step, run: await op.prepare(params, { readText: () => Promise.reject(new Error('no files')) }) });
  }

  return async (inputs: Record<string, Tensor>): Promise<Record<string, Tensor>> => {
    const tensors = new Map(Object.entries(inputs));
    for (const { step, run } of prepared) {
      const portInputs = Object.fromEntries(Object.entries(step.inputs).map(([port, tensor]) => [port, tensors.get(tensor)!]));
      const outputs = await run(portInputs, { pipeline: name, step: step.name, invoke });
      for (const [port, tensor] of Object.entries(step.outputs)) tensors.set(tensor, { ...outputs[port]!, name: tensor });
    }
    return Object.fromEntries(pipeline.outputs.map(({ name: output }) => [output, tensors.get(output)!]));
  };
}

/** A BYTES [1] input carrying a file as V2 JSON does: the file's base64. */
export function fileInput(name: string, file: Buffer): Tensor {
  return { name, datatype: 'BYTES', shape: [1], data: [file.toString('base64')] };
}
