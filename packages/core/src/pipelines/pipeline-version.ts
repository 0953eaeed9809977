/**
 * Loads one pipeline version: reads and plans its pipeline.json (no ONNX session of its own; its member
 * models are separate models of the repository, resolved per request so that they hot-swap independently).
 */
import { readFile, stat } from 'node:fs/promises';
import { LoadedVersion } from '../models/loaded-version.js';
import { loadStep, PublicLoadError } from '../models/load-failure.js';
import type { VersionFiles } from '../models/repository.js';
import type { WorkerPool } from '../models/runtime/worker-pool.js';
import { planPipeline } from './pipeline-spec.js';
import { createPipelineTask, type MemberInvoker } from './pipeline-task.js';
import type { StepCatalogue } from './step-catalogue.js';
import { versionFolderFiles } from './step-files.js';

const MAX_PIPELINE_BYTES = 1024 * 1024;

export interface PipelineVersionDeps {
  pool: WorkerPool;
  invokeMember: MemberInvoker;
  steps: StepCatalogue;
}

async function readPipelineJson(file: string): Promise<unknown> {
  const info = await stat(file);
  if (info.size > MAX_PIPELINE_BYTES) throw new PublicLoadError(`pipeline.json is larger than ${MAX_PIPELINE_BYTES} bytes`);
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the file's bytes: not shown.
    throw new PublicLoadError('pipeline.json is not valid JSON');
  }
}

export async function buildPipelineVersion(
  deps: PipelineVersionDeps,
  target: { model: string; files: VersionFiles; onReleased: () => void },
): Promise<LoadedVersion> {
  const { model, files } = target;
  const plan = await loadStep('task', async () =>
    planPipeline(await readPipelineJson(files.modelPath), deps.steps, versionFolderFiles(files.directory)),
  );
  const task = createPipelineTask(model, plan, deps.invokeMember);
  return new LoadedVersion(model, files.version, plan.signature, task, [], deps.pool, () => target.onReleased());
}
