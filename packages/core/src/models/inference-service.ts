/**
 * Runs one inference request end to end: route to a version, validate against its public signature, run the
 * task, record metrics, and tell listeners what happened (never what was inferred).
 */
import { performance } from 'node:perf_hooks';
import type { InferenceCaller } from '../auth/caller.js';
import { SluiceError, isSluiceError } from '../errors.js';
import type { InferenceCompletedEvent } from '../extensions.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { Deadline } from './deadline.js';
import type { ModelRegistry } from './model-registry.js';
import { assertWithinLimits, type RequestLimits } from './request-limits.js';
import type { ModelSignature, Tensor } from './tensors/tensor.js';
import { DATATYPES, elementCount } from './tensors/datatypes.js';
import type { TaskResult } from './tasks/task.js';
import { validateInputs, validateOutputNames } from './tensors/validate.js';
import { WorkerLostError } from './runtime/worker-pool.js';

export interface InferenceRequest {
  model: string;
  /** A version number or alias; undefined routes to the default (traffic split, "default" alias or latest). */
  version?: string;
  inputs: Tensor[];
  /** Output names to return; undefined returns all. */
  outputs?: string[];
  /** Who asked (key id or subject, request id), passed on to outcome listeners. */
  caller?: InferenceCaller;
  /** When the client stops waiting (the HTTP layer's per-request deadline); none for in-process callers. */
  deadline?: Deadline;
  /**
   * Set when a pipeline runs this request for one of its steps: the pipelines it runs inside, outermost
   * first. Such a request is part of the pipeline's request: its metrics and statistics count for the member
   * model, but the event bus (audit, metering) hears only of the pipeline's request.
   */
  partOf?: readonly string[];
}

export interface InferenceResult {
  modelName: string;
  modelVersion: string;
  outputs: Tensor[];
  items: number;
  tokens?: number;
  queueMs: number;
  computeMs: number;
  totalMs: number;
}

/** What an inference listener learns: who, which model, how much, how long. Never inputs or outputs. */
export type InferenceOutcome = Pick<
  InferenceCompletedEvent,
  | 'model'
  | 'version'
  | 'items'
  | 'tokens'
  | 'promptTokens'
  | 'completionTokens'
  | 'queueMs'
  | 'computeMs'
  | 'totalMs'
  | 'status'
  | 'errorCode'
> & {
  caller?: InferenceCaller;
  /** A pipeline's member request (see InferenceRequest.partOf): the client's request is the pipeline's. */
  partOf?: readonly string[];
};

export interface InferenceService {
  infer(request: InferenceRequest): Promise<InferenceResult>;
}

function toClientError(error: unknown): SluiceError {
  if (isSluiceError(error)) return error;
  if (error instanceof WorkerLostError)
    return new SluiceError('SLUICE_ERR_WORKER_LOST', `${error.message}; retry`, { cause: error, headers: { 'retry-after': '1' } });
  // Anything ORT raised after our validation passed is about the values (e.g. an index out of range).
  return new SluiceError('SLUICE_ERR_INFERENCE_FAILED', `ONNX Runtime could not run the model: ${(error as Error).message}`, {
    cause: error,
  });
}

/** Outputs of an empty batch: the declared datatypes, every dynamic dimension 0. */
function emptyResult(signature: ModelSignature, outputNames: string[]): TaskResult {
  const outputs = outputNames.map((name): Tensor => {
    const spec = signature.outputs.find((output) => output.name === name)!;
    const shape = spec.shape.map((dim) => (dim === -1 ? 0 : dim));
    const length = elementCount(shape);
    const data = spec.datatype === 'BYTES' ? Array.from({ length }, () => '') : DATATYPES[spec.datatype].allocate!(length);
    return { name, datatype: spec.datatype, shape, data };
  });
  return { outputs, items: 0, computeMs: 0 };
}

export function createInferenceService(deps: {
  registry: ModelRegistry;
  metrics: ServerMetrics;
  limits: RequestLimits;
  onOutcome?: (outcome: InferenceOutcome) => void;
}): InferenceService {
  const { registry, metrics } = deps;

  return {
    async infer(request) {
      const started = performance.now();
      let versionLabel: string | undefined;
      let items = 0;
      const deadline = request.deadline ?? Deadline.never();
      try {
        const target = registry.acquire(request.model, request.version);
        versionLabel = String(target.version);
        try {
          // Before any work: a request too large for the limits costs nothing. (After routing, so that only
          // known model names reach the failure metrics' labels.)
          assertWithinLimits(request.model, request.inputs, deps.limits, target.task.acceptsFiles);
          const signature = target.signature;
          // A pipeline's step may have nothing to do (a page without text): an empty batch, answered without a run.
          const emptyBatch = request.partOf !== undefined && request.inputs.some((input) => input.shape.includes(0));
          validateInputs(request.model, signature, request.inputs, { acceptsFiles: target.task.acceptsFiles, allowEmpty: emptyBatch });
          const outputNames = request.outputs ?? signature.outputs.map((o) => o.name);
          validateOutputNames(request.model, signature, outputNames);
          items = request.inputs[0]?.shape[0] ?? 1;
          // The deadline stops the work below (queue, worker); the race answers the client on time regardless.
          const runRaw = (feeds: Tensor[], names: string[]) => target.runRaw(feeds, names, deadline);
          const taskRequest = { deadline, caller: request.caller, partOf: request.partOf ?? [] };
          const result = emptyBatch
            ? emptyResult(signature, outputNames)
            : await deadline.race(target.task.run(request.inputs, outputNames, runRaw, taskRequest));
          const totalMs = performance.now() - started;
          const queueMs = Math.max(0, totalMs - result.computeMs);
          const labels = { model: request.model, version: versionLabel };
          metrics.requestSuccess.inc(labels);
          metrics.inferenceCount.inc(labels, result.items);
          metrics.requestDuration.observe(labels, totalMs / 1000);
          metrics.queueDuration.observe(labels, queueMs / 1000);
          metrics.computeDuration.observe(labels, result.computeMs / 1000);
          deps.onOutcome?.({
            model: request.model,
            version: versionLabel,
            items: result.items,
            tokens: result.tokens,
            queueMs,
            computeMs: result.computeMs,
            totalMs,
            status: 'success',
            caller: request.caller,
            partOf: request.partOf,
          });
          return {
            modelName: request.model,
            modelVersion: versionLabel,
            outputs: result.outputs,
            items: result.items,
            tokens: result.tokens,
            queueMs,
            computeMs: result.computeMs,
            totalMs,
          };
        } finally {
          target.release();
        }
      } catch (error) {
        const clientError = toClientError(error);
        // Unknown names stay out of the labels: clients must not be able to grow the series without bound.
        const model = clientError.code === 'SLUICE_ERR_MODEL_NOT_FOUND' ? '' : request.model;
        metrics.requestFailure.inc({ model, version: versionLabel ?? '', code: clientError.code });
        const totalMs = performance.now() - started;
        deps.onOutcome?.({
          model: request.model,
          version: versionLabel,
          items,
          queueMs: 0,
          computeMs: 0,
          totalMs,
          status: 'failure',
          errorCode: clientError.code,
          caller: request.caller,
          partOf: request.partOf,
        });
        throw clientError;
      }
    },
  };
}
