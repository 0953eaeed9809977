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

export async function createTask(
  config: ModelConfig,
  raw: ModelSignature,
  modelDirectory: string,
  version: { directory: string; session: { inputs: WireValueInfo[]; outputs: WireValueInfo[] } },
): Promise<ModelTaskHandler> {
  // A Hugging Face *ForCausalLM folder is a text-generation model unless config.json names another task.
  const task = config.taskIsExplicit ? config.task : isCausalLm(await readHfConfig(version.directory)) ? 'text-generation' : config.task;
  if (task === 'text-generation') return createTextGenerationTask(version.session, version.directory, config.generation);
  if (config.task === 'raw') return createRawTask(raw);
  // Loaded here once so that a broken tokenizer fails the load, not the first request; the worker that runs
  // the text pipeline loads its own copy.
  await loadTextTokenizer(modelDirectory, config.tokenizer!, config.maxSequenceLength);
  const tokenizerPath = path.join(modelDirectory, config.tokenizer!);
  return config.task === 'text-classification'
    ? createTextClassificationTask(raw, config, tokenizerPath)
    : createTextEmbeddingTask(raw, config, tokenizerPath);
}
