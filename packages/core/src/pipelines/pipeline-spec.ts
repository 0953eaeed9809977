/**
 * Turns a parsed pipeline.json into a runnable plan: the schema first, then the wiring (every tensor a step
 * reads was made before it, every name is made once, every op and port exists, every op's params pass its own
 * schema), then each op is prepared once. Messages name the step and the key, never file contents or paths.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { PublicLoadError } from '../models/load-failure.js';
import type { ModelSignature } from '../models/tensors/tensor.js';
import { pipelineSchema, type RawPipeline, type RawPipelineStep } from './pipeline-schema.js';
import type { StepCatalogue } from './step-catalogue.js';
import type { PreparedStep, StepFiles, StepOp } from './step-op.js';

/** One step of a loaded pipeline: what it reads and writes, and how to run it. */
export interface PlannedStep {
  name: string;
  /** What the step is, for messages: `op image.decode` or `model ocr-detector`. */
  description: string;
  /** A member model step: the model (and version or alias) the inference layer runs. */
  member?: { model: string; version?: string };
  /** An op step's runner. */
  run?: PreparedStep;
  /** [port, tensor name] pairs. */
  inputs: [string, string][];
  outputs: [string, string][];
}

export interface PipelinePlan {
  signature: ModelSignature;
  steps: PlannedStep[];
}

/** A pipeline.json that cannot be used; the message is public (names keys and steps only). */
export class PipelineSpecError extends PublicLoadError {}

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false });
const validatePipeline = ajv.compile<RawPipeline>(pipelineSchema);
const paramValidators = new WeakMap<StepOp, ValidateFunction>();

function describeError(error: ErrorObject, where: string): string {
  const at = error.instancePath ? `${where}${error.instancePath.replace(/\//g, '.')}` : where;
  if (error.keyword === 'additionalProperties') return `${at}: unknown key "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${at}: "${String(error.params.missingProperty)}" is required`;
  if (error.keyword === 'oneOf') return `${at}: a step has exactly one of "op" or "model"`;
  if (error.keyword === 'enum') return `${at}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${at}: ${error.message ?? 'is invalid'}`;
}

function paramsValidator(op: StepOp): ValidateFunction {
  let validate = paramValidators.get(op);
  if (!validate) {
    validate = ajv.compile(op.paramsSchema);
    paramValidators.set(op, validate);
  }
  return validate;
}

function fail(step: RawPipelineStep | undefined, message: string): never {
  throw new PipelineSpecError(step ? `pipeline.json step "${step.name}": ${message}` : `pipeline.json: ${message}`);
}

/** The op's declared input ports, split into required and optional ("?" suffix). */
function portsOf(op: StepOp): { required: string[]; all: Set<string> } {
  const required = op.inputs.filter((p) => !p.endsWith('?'));
  return { required, all: new Set(op.inputs.map((p) => p.replace(/\?$/, ''))) };
}

function checkWiring(raw: RawPipeline, catalogue: StepCatalogue): void {
  const made = new Set<string>();
  for (const input of raw.inputs) {
    if (made.has(input.name)) fail(undefined, `input "${input.name}" is declared twice`);
    made.add(input.name);
  }
  const stepNames = new Set<string>();
  for (const step of raw.steps) {
    if (stepNames.has(step.name)) fail(step, 'another step has the same name');
    stepNames.add(step.name);
    if (step.op !== undefined) {
      const op = catalogue.get(step.op);
      if (!op) fail(step, `unknown op "${step.op}" (known: ${[...catalogue.keys()].sort().join(', ')})`);
      const { required, all } = portsOf(op);
      for (const port of Object.keys(step.inputs))
        if (!all.has(port)) fail(step, `op ${op.op} has no input "${port}" (inputs: ${[...all].join(', ')})`);
      for (const port of required) if (!(port in step.inputs)) fail(step, `op ${op.op} needs input "${port}"`);
      for (const port of Object.keys(step.outputs))
        if (!op.outputs.includes(port)) fail(step, `op ${op.op} has no output "${port}" (outputs: ${op.outputs.join(', ')})`);
      const validate = paramsValidator(op);
      if (!validate(step.params ?? {})) fail(step, describeError(validate.errors![0]!, 'params'));
    } else if (step.params !== undefined) {
      fail(step, 'a model step takes no "params"');
    }
    if (Object.keys(step.outputs).length === 0) fail(step, 'a step must name at least one output');
    for (const tensor of Object.values(step.inputs)) if (!made.has(tensor)) fail(step, `reads "${tensor}", which no earlier step makes`);
    for (const tensor of Object.values(step.outputs)) {
      if (made.has(tensor)) fail(step, `makes "${tensor}", which already exists (each tensor is made once)`);
      made.add(tensor);
    }
  }
  const outputNames = new Set<string>();
  for (const output of raw.outputs) {
    if (outputNames.has(output.name)) fail(undefined, `output "${output.name}" is declared twice`);
    outputNames.add(output.name);
    if (!made.has(output.name)) fail(undefined, `output "${output.name}" is made by no step`);
  }
}

/** Validates and prepares a parsed pipeline.json. */
export async function planPipeline(parsed: unknown, catalogue: StepCatalogue, files: StepFiles): Promise<PipelinePlan> {
  if (!validatePipeline(parsed)) throw new PipelineSpecError(describeError(validatePipeline.errors![0]!, 'pipeline.json'));
  const raw = parsed;
  checkWiring(raw, catalogue);
  const steps: PlannedStep[] = [];
  for (const step of raw.steps) {
    const planned: PlannedStep = {
      name: step.name,
      description: step.op !== undefined ? `op ${step.op}` : `model ${step.model}`,
      inputs: Object.entries(step.inputs),
      outputs: Object.entries(step.outputs),
    };
    if (step.op !== undefined) {
      const op = catalogue.get(step.op)!;
      try {
        planned.run = await op.prepare(step.params ?? {}, files);
      } catch (error) {
        fail(step, error instanceof Error ? error.message : String(error));
      }
    } else {
      planned.member = { model: step.model!, version: step.version };
    }
    steps.push(planned);
  }
  return { signature: { inputs: raw.inputs, outputs: raw.outputs }, steps };
}
