/** The identity task: the model's own inputs and outputs, passed straight to ONNX Runtime. */
import type { ModelSignature } from '../tensors/tensor.js';
import type { ModelTaskHandler } from './task.js';

export function createRawTask(signature: ModelSignature): ModelTaskHandler {
  return {
    name: 'raw',
    signature,
    async run(inputs, outputNames, runRaw) {
      const { outputs, computeMs } = await runRaw(inputs, outputNames);
      const items = inputs[0]?.shape[0] ?? 1;
      return { outputs, items, computeMs };
    },
  };
}
