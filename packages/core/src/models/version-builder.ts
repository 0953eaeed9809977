/**
 * Builds one LoadedVersion from its files: ORT sessions in the workers (one per instance), the signature, the
 * task and dynamic batching. Anything that goes wrong comes out as a LoadFailure naming the step; sessions
 * already created are released first.
 */
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { ExecutionRecord } from '../observability/model-statistics.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { attachDynamicBatching } from './batching/attach-dynamic-batching.js';
import { LoadedVersion } from './loaded-version.js';
import { loadStep } from './load-failure.js';
import type { ModelConfig } from './model-config.js';
import type { VersionFiles } from './repository.js';
import type { WorkerPool } from './runtime/worker-pool.js';
import { signatureFromSession } from './signature.js';
import { createTask, taskOf } from './tasks/create-task.js';
import { GenerationEngine } from './generation/generation-engine.js';
import path from 'node:path';
import { PIPELINE_FILE } from './repository.js';
import { buildPipelineVersion } from '../pipelines/pipeline-version.js';
import type { MemberInvoker } from '../pipelines/pipeline-task.js';
import { createStepCatalogue, type StepCatalogue } from '../pipelines/step-catalogue.js';
import { PublicLoadError } from './load-failure.js';

let defaultSteps: StepCatalogue | undefined;

/** A pipeline version: config.json says task "pipeline" and the version folder holds pipeline.json. */
async function buildPipeline(deps: VersionBuilderDeps, target: VersionToBuild): Promise<LoadedVersion> {
  const { files, config } = target;
  await loadStep('task', () => {
    if (path.basename(files.modelPath) !== PIPELINE_FILE)
      throw new PublicLoadError('config.json says task "pipeline": the version folder needs pipeline.json (and no model.onnx)');
    if (config.taskIsExplicit && config.task !== 'pipeline')
      throw new PublicLoadError(`the version folder holds pipeline.json but config.json says task "${config.task}" (use "pipeline")`);
    if (!deps.invokeMember) throw new PublicLoadError('pipelines cannot run in this server (no inference layer for their members)');
  });
  defaultSteps ??= createStepCatalogue();
  return buildPipelineVersion(
    { pool: deps.pool, invokeMember: deps.invokeMember!, steps: deps.pipelineSteps ?? defaultSteps },
    { model: target.model, files, onReleased: target.onReleased },
  );
}

export interface VersionBuilderDeps {
  pool: WorkerPool;
  logger: Logger;
  metrics: ServerMetrics;
  /** Sessions per version when config.json does not say. */
  defaultInstances: number;
  /** ORT intra-op threads per session when config.json does not say. */
  defaultThreads: number;
  /** Told of every successful ONNX Runtime execution (statistics). */
  onExecution?: (execution: ExecutionRecord) => void;
  /** Runs a pipeline step's member model (the inference service); without it, pipelines cannot load. */
  invokeMember?: MemberInvoker;
  /** The built-in steps pipelines may use (default: all of them). */
  pipelineSteps?: StepCatalogue;
}

export interface VersionToBuild {
  model: string;
  directory: string;
  files: VersionFiles;
  config: ModelConfig;
  /** Called once the retired version has released its sessions. */
  onReleased: () => void;
}

export async function buildVersion(deps: VersionBuilderDeps, target: VersionToBuild): Promise<LoadedVersion> {
  const { pool, logger, metrics } = deps;
  const { model, directory, files, config } = target;
  if (path.basename(files.modelPath) === PIPELINE_FILE || config.task === 'pipeline') return buildPipeline(deps, target);
  // A decoder batches its sequences itself (one scheduler and budget per session): one session unless
  // config.json asks for more, so that the whole budget serves one batch.
  const generates = (await taskOf(config, files.directory).catch(() => config.task)) === 'text-generation';
  const instances = Math.max(1, Math.min(config.instances ?? (generates ? 1 : deps.defaultInstances), pool.size * 4));
  const threads = config.threads ?? deps.defaultThreads;
  const attempts = await Promise.allSettled(
    Array.from({ length: instances }, () => pool.load(files.modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1 })),
  );
  const sessions = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  const releaseAll = () => Promise.allSettled(sessions.map((s) => pool.release(s)));
  const failure = attempts.find((a): a is PromiseRejectedResult => a.status === 'rejected');
  if (failure) {
    await releaseAll();
    await loadStep('session', () => {
      throw failure.reason;
    });
  }
  try {
    const raw = await loadStep('signature', () => signatureFromSession(sessions[0]!.inputs, sessions[0]!.outputs));
    const task = await loadStep(
      'task',
      () => createTask(config, raw, directory, { directory: files.directory, session: sessions[0]! }),
      ` ("${config.task}"; the server log says what is missing)`,
    );
    const labels = { model, version: String(files.version) };
    const loaded = new LoadedVersion(
      model,
      files.version,
      raw,
      task,
      sessions,
      pool,
      (error) => {
        if (error) logger.warn({ model, version: files.version, err: error }, 'releasing sessions failed');
        target.onReleased();
      },
      (requests, rows, computeMs) => {
        metrics.executionCount.inc(labels);
        metrics.batchSize.observe(labels, requests);
        deps.onExecution?.({ model, version: labels.version, requests, rows, computeMs });
      },
    );
    const generation = task.generation;
    if (generation) {
      loaded.attachGenerator(
        (workers, handles) =>
          new GenerationEngine(workers, handles, generation.spec, config.generation, {
            onStep: (state) => {
              metrics.runningSequences.set(labels, state.running);
              metrics.waitingSequences.set(labels, state.waiting);
              metrics.kvCacheBytes.set(labels, state.kvBytes);
              metrics.kvCacheReservedBytes.set(labels, state.reservedBytes);
              if (state.stepSequences > 0) metrics.stepSequences.observe(labels, state.stepSequences);
            },
          }),
      );
    } else {
      await loadStep('batching', () => attachDynamicBatching(loaded, config, directory, sessions.length, logger));
    }
    return loaded;
  } catch (error) {
    await releaseAll();
    throw error;
  }
}
