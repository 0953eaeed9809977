/**
 * text-embedding: strings in; one vector per string out. A graph that returns token states
 * [batch, sequence, hidden] is mean-pooled over the attention mask; one that returns [batch, hidden] is used
 * as it is. Vectors are L2-normalised unless config.json says "normalize": false. The work itself happens
 * in the ORT worker (text-pipeline.ts).
 */
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature, TensorSpec } from '../tensors/tensor.js';
import type { ModelTaskHandler } from './task.js';
import { TEXT_INPUT, assertTextModelInputs, runTextPipeline } from './text-feeds.js';

export function createTextEmbeddingTask(raw: ModelSignature, config: ModelConfig, tokenizerPath: string): ModelTaskHandler {
  assertTextModelInputs(raw, 'text-embedding');
  const statesSpec = raw.outputs[0];
  if (!statesSpec || statesSpec.datatype !== 'FP32' || (statesSpec.shape.length !== 3 && statesSpec.shape.length !== 2)) {
    throw new Error('task "text-embedding" needs a first FP32 output [batch, sequence, hidden] or [batch, hidden]');
  }
  const hidden = statesSpec.shape[statesSpec.shape.length - 1]!;
  const outputs: TensorSpec[] = [{ name: 'embedding', datatype: 'FP32', shape: [-1, hidden] }];

  return {
    name: 'text-embedding',
    signature: { inputs: [TEXT_INPUT], outputs },
    pipeline: {
      task: 'text-embedding',
      tokenizerPath,
      maxSequenceLength: config.maxSequenceLength,
      tokenInputs: raw.inputs,
      graphOutput: statesSpec.name,
      normalize: config.normalize,
      labels: [],
      labelCount: 0,
    },
    run: (inputs, _outputNames, runRaw) => runTextPipeline(inputs, ['embedding'], runRaw),
  };
}
