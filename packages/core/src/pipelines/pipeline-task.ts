/**
 * The task of a pipeline version: runs its planned steps in order over a table of named tensors. Member model
 * steps go through the inference layer like any request (routing, validation, batching, hot swap, the
 * request's deadline), so swapping a member swaps it inside every pipeline that uses it.
 */
import { performance } from 'node:perf_hooks';
import { CatalogueError, SluiceError } from '../errors.js';
import type { InferenceRequest, InferenceResult } from '../models/inference-service.js';
import type { ModelTaskHandler, TaskRequest } from '../models/tasks/task.js';
import type { Tensor, TensorSpec } from '../models/tensors/tensor.js';
import type { PipelinePlan, PlannedStep } from './pipeline-spec.js';
import type { StepContext } from './step-op.js';

/** Runs a member model's request: the inference service, bound after the registry exists. */
export type MemberInvoker = (request: InferenceRequest) => Promise<InferenceResult>;

/** Pipelines may use pipelines; this bounds the nesting (and catches a pipeline that reaches itself). */
export const MAX_PIPELINE_DEPTH = 4;

const ABSOLUTE_PATH = /(?:\/[\w.@+-]+){2,}/g;

/** What a step threw, as the client sees it: the code kept, the step named, no server paths. */
function stepError(pipeline: string, step: PlannedStep, error: unknown): Error {
  const where = `pipeline "${pipeline}" step "${step.name}" (${step.description})`;
  if (error instanceof SluiceError) {
    if (error.code === 'SLUICE_ERR_REQUEST_TIMEOUT') return error;
    return new SluiceError(error.code, `${where}: ${error.message}`, { headers: error.headers, cause: error });
  }
  if (error instanceof CatalogueError) {
    return new CatalogueError(error.code, error.statusCode, `${where}: ${error.message}`, { headers: error.headers, cause: error });
  }
  const message = (error instanceof Error ? error.message : String(error)).replace(ABSOLUTE_PATH, '<path>');
  return new SluiceError('SLUICE_ERR_PIPELINE_STEP_FAILED', `${where}: ${message}`, { cause: error });
}

function fitsSpec(spec: TensorSpec, tensor: Tensor): boolean {
  return (
    tensor.datatype === spec.datatype &&
    tensor.shape.length === spec.shape.length &&
    spec.shape.every((dim, i) => dim === -1 || dim === tensor.shape[i])
  );
}

export function createPipelineTask(pipeline: string, plan: PipelinePlan, invoke: MemberInvoker): ModelTaskHandler {
  const outputSpecs = new Map(plan.signature.outputs.map((spec) => [spec.name, spec]));

  const runMember = async (
    model: string,
    version: string | undefined,
    inputs: Tensor[],
    outputs: string[],
    request: TaskRequest,
  ): Promise<Tensor[]> => {
    const chain = [...request.partOf, pipeline];
    if (chain.includes(model) || chain.length >= MAX_PIPELINE_DEPTH)
      throw new SluiceError(
        'SLUICE_ERR_PIPELINE_STEP_FAILED',
        `pipelines nest too deep or call themselves: ${[...chain, model].join(' -> ')}`,
      );
    try {
      const result = await invoke({ model, version, inputs, outputs, deadline: request.deadline, caller: request.caller, partOf: chain });
      return result.outputs;
    } catch (error) {
      // A member missing from the repository is the server's configuration, not the client's mistake.
      if (error instanceof SluiceError && (error.code === 'SLUICE_ERR_MODEL_NOT_FOUND' || error.code === 'SLUICE_ERR_VERSION_NOT_FOUND'))
        throw new SluiceError('SLUICE_ERR_MODEL_NOT_READY', `member ${error.message}`, { cause: error, headers: { 'retry-after': '5' } });
      throw error;
    }
  };

  const runStep = async (step: PlannedStep, values: Map<string, Tensor>, request: TaskRequest): Promise<Record<string, Tensor>> => {
    const inputs: Record<string, Tensor> = {};
    for (const [port, tensorName] of step.inputs) inputs[port] = { ...values.get(tensorName)!, name: port };
    if (step.member) {
      const outputs = await runMember(
        step.member.model,
        step.member.version,
        Object.values(inputs),
        step.outputs.map(([port]) => port),
        request,
      );
      return Object.fromEntries(outputs.map((tensor) => [tensor.name, tensor]));
    }
    const context: StepContext = {
      pipeline,
      step: step.name,
      invoke: (model, version, memberInputs, outputs) => runMember(model, version, memberInputs, outputs, request),
    };
    return step.run!(inputs, context);
  };

  return {
    name: 'pipeline',
    signature: plan.signature,
    acceptsFiles: true,
    async run(inputs, outputNames, _runRaw, request) {
      const started = performance.now();
      const values = new Map(inputs.map((tensor) => [tensor.name, tensor]));
      for (const step of plan.steps) {
        if (request.deadline.expired) throw request.deadline.timeoutError();
        let produced: Record<string, Tensor>;
        try {
          produced = await runStep(step, values, request);
        } catch (error) {
          throw stepError(pipeline, step, error);
        }
        for (const [port, tensorName] of step.outputs) {
          const tensor = produced[port];
          if (!tensor) throw stepError(pipeline, step, new Error(`it made no "${port}"`));
          values.set(tensorName, { ...tensor, name: tensorName });
        }
      }
      const outputs = outputNames.map((name) => {
        const tensor = values.get(name)!;
        const spec = outputSpecs.get(name)!;
        if (!fitsSpec(spec, tensor))
          throw new SluiceError(
            'SLUICE_ERR_PIPELINE_STEP_FAILED',
            `pipeline "${pipeline}": output "${name}" came out ${tensor.datatype} [${tensor.shape.join(', ')}], pipeline.json declares ${spec.datatype} [${spec.shape.join(', ')}]`,
          );
        return tensor;
      });
      return { outputs, items: inputs[0]?.shape[0] ?? 1, computeMs: performance.now() - started };
    },
  };
}
