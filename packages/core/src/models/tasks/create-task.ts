/** Picks and builds the task handler a model's config.json asks for. */
import path from 'node:path';
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature } from '../tensors/tensor.js';
import { createRawTask } from './raw-task.js';
import type { ModelTaskHandler } from './task.js';
import { createTextClassificationTask } from './text-classification-task.js';
import { createTextEmbeddingTask } from './text-embedding-task.js';
import { loadTextTokenizer } from './text-tokenizer.js';
import { createTextGenerationTask, readHfConfig } from './text-generation-task.js';
import { isCausalLm } from '../generation/decoder-spec.js';
import type { WireValueInfo } from '../runtime/worker-protocol.js';

/** The task a version serves: config.json's, or text-generation for a Hugging Face *ForCausalLM folder. */
export async function taskOf(config: ModelConfig, versionDirectory: string): Promise<ModelConfig['task']> {
  if (config.taskIsExplicit) return config.task;
  return isCausalLm(await readHfConfig(versionDirectory)) ? 'text-generation' : config.task;
}

export async function createTask(
  config: ModelConfig,
  raw: ModelSignature,
  modelDirectory: string,
  version: { directory: string; session: { inputs: WireValueInfo[]; outputs: WireValueInfo[] } },
): Promise<ModelTaskHandler> {
  if ((await taskOf(config, version.directory)) === 'text-generation')
    return createTextGenerationTask(version.session, version.directory, config.generation);
  if (config.task === 'raw') return createRawTask(raw);
  // Loaded here once so that a broken tokenizer fails the load, not the first request; the worker that runs
  // the text pipeline loads its own copy.
  await loadTextTokenizer(modelDirectory, config.tokenizer!, config.maxSequenceLength);
  const tokenizerPath = path.join(modelDirectory, config.tokenizer!);
  return config.task === 'text-classification'
    ? createTextClassificationTask(raw, config, tokenizerPath)
    : createTextEmbeddingTask(raw, config, tokenizerPath);
}
