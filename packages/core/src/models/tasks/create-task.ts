/** Picks and builds the task handler a model's config.json asks for. */
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature } from '../tensors/tensor.js';
import { createRawTask } from './raw-task.js';
import type { ModelTaskHandler } from './task.js';
import { createTextClassificationTask } from './text-classification-task.js';
import { createTextEmbeddingTask } from './text-embedding-task.js';
import { loadTextTokenizer } from './text-tokenizer.js';

export async function createTask(config: ModelConfig, raw: ModelSignature, modelDirectory: string): Promise<ModelTaskHandler> {
  if (config.task === 'raw') return createRawTask(raw);
  const tokenizer = await loadTextTokenizer(modelDirectory, config.tokenizer!, config.maxSequenceLength);
  return config.task === 'text-classification'
    ? createTextClassificationTask(raw, config, tokenizer)
    : createTextEmbeddingTask(raw, config, tokenizer);
}
