/**
 * text-embedding: strings in; one vector per string out. A graph that returns token states
 * [batch, sequence, hidden] is mean-pooled over the attention mask; one that returns [batch, hidden] is used
 * as it is. Vectors are L2-normalised unless config.json says "normalize": false.
 */
import type { ModelConfig } from '../model-config.js';
import type { ModelSignature, TensorSpec } from '../tensors/tensor.js';
import type { ModelTaskHandler } from './task.js';
import { TEXT_INPUT, assertTextModelInputs, textsOf, tokenFeeds } from './text-feeds.js';
import type { TextTokenizer } from './text-tokenizer.js';

export function meanPool(states: Float32Array, mask: BigInt64Array, batch: number, sequence: number, hidden: number): Float32Array {
  const pooled = new Float32Array(batch * hidden);
  for (let row = 0; row < batch; row++) {
    let count = 0;
    for (let token = 0; token < sequence; token++) {
      if (mask[row * sequence + token] === 0n) continue;
      count++;
      const from = (row * sequence + token) * hidden;
      for (let i = 0; i < hidden; i++) pooled[row * hidden + i]! += states[from + i]!;
    }
    for (let i = 0; i < hidden; i++) pooled[row * hidden + i]! /= Math.max(1, count);
  }
  return pooled;
}

export function l2Normalize(vectors: Float32Array, width: number): void {
  for (let offset = 0; offset < vectors.length; offset += width) {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += vectors[offset + i]! ** 2;
    const norm = Math.sqrt(sum) || 1;
    for (let i = 0; i < width; i++) vectors[offset + i]! /= norm;
  }
}

export function createTextEmbeddingTask(raw: ModelSignature, config: ModelConfig, tokenizer: TextTokenizer): ModelTaskHandler {
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
    async run(inputs, _outputNames, runRaw) {
      const texts = textsOf(inputs);
      const batch = tokenizer.encodeBatch(texts);
      // The feeds' buffers are transferred to the ORT worker (detached here), so pool with a copy of the mask.
      const attentionMask = batch.attentionMask.slice();
      const { outputs: rawOutputs, computeMs } = await runRaw(tokenFeeds(raw, batch), [statesSpec.name]);
      const states = rawOutputs[0]!;
      const width = states.shape[states.shape.length - 1]!;
      const vectors = states.shape.length === 3
        ? meanPool(states.data as Float32Array, attentionMask, batch.batchSize, batch.sequenceLength, width)
        : Float32Array.from(states.data as Float32Array);
      if (config.normalize) l2Normalize(vectors, width);
      return {
        outputs: [{ name: 'embedding', datatype: 'FP32', shape: [texts.length, width], data: vectors }],
        items: texts.length,
        tokens: batch.tokenCounts.reduce((a, b) => a + b, 0),
        computeMs,
      };
    },
  };
}
