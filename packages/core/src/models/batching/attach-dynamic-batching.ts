/**
 * Decides at load time whether a version gets a dynamic batcher (config.json "dynamic_batching" enabled and a
 * graph that can be batched along dim 0), then attaches it. Text tasks batch their texts (the worker pads
 * the merged batch when it tokenizes); other tasks join tensors of equal non-batch dims.
 */
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { LoadedVersion } from '../loaded-version.js';
import type { ModelConfig } from '../model-config.js';
import { exactShapeLayout } from './batch-layout.js';
import { DynamicBatcher } from './dynamic-batcher.js';
import { textLengthLayout } from './text-length-layout.js';

/** Why a graph cannot be batched along dim 0, or undefined when it can. */
export function unbatchableReason(loaded: Pick<LoadedVersion, 'rawSignature'>): string | undefined {
  const fixed = [...loaded.rawSignature.inputs, ...loaded.rawSignature.outputs].find((t) => t.shape.length === 0 || t.shape[0] !== -1);
  return fixed ? `"${fixed.name}" has no dynamic first (batch) dimension` : undefined;
}

export async function attachDynamicBatching(
  loaded: LoadedVersion,
  config: ModelConfig,
  _modelDirectory: string,
  instances: number,
  logger: Logger,
): Promise<void> {
  const batching = config.dynamicBatching;
  if (!batching?.enabled) return;
  const where = { model: loaded.modelName, version: loaded.version };
  const reason = unbatchableReason(loaded);
  if (reason) {
    logger.warn({ ...where, reason }, 'dynamic_batching is enabled but the model cannot be batched; requests run one by one');
    return;
  }
  loaded.attachBatcher(
    new DynamicBatcher({
      label: `model "${loaded.modelName}" version ${loaded.version}`,
      maxBatchSize: batching.maxBatchSize,
      maxQueueDelayMicroseconds: batching.maxQueueDelayMicroseconds,
      maxQueueSize: batching.maxQueueSize,
      concurrency: instances,
      layout: loaded.task.pipeline ? textLengthLayout : exactShapeLayout,
      execute: (feeds, outputNames, requests, deadline) => loaded.runOnSession(feeds, outputNames, deadline, requests),
    }),
  );
  logger.info({ ...where, ...batching }, 'dynamic batching on');
}
