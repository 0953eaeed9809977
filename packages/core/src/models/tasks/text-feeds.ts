/** Shared by the text tasks: which tokenizer outputs a text model takes, and the task's one public input. */
import type { ModelSignature, Tensor, TensorSpec } from '../tensors/tensor.js';
import { TOKEN_COUNT_OUTPUT } from './text-pipeline.js';
import type { RawRunner } from './task.js';

const TOKEN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

/** Checks at load time that the graph takes tokenizer outputs, so a mismatch fails the load, not a request. */
export function assertTextModelInputs(signature: ModelSignature, task: string): void {
  for (const input of signature.inputs) {
    if (!(TOKEN_INPUTS as readonly string[]).includes(input.name)) {
      throw new Error(`task "${task}" feeds ${TOKEN_INPUTS.join(', ')}; the model also has input "${input.name}"`);
    }
    if (input.datatype !== 'INT64' && input.datatype !== 'INT32') {
      throw new Error(`task "${task}" needs INT64 or INT32 token inputs; "${input.name}" is ${input.datatype}`);
    }
  }
  if (!signature.inputs.some((i) => i.name === 'input_ids')) throw new Error(`task "${task}" needs a model input named input_ids`);
}

/** The task's one public input: a batch of UTF-8 strings. */
export const TEXT_INPUT: TensorSpec = { name: 'text', datatype: 'BYTES', shape: [-1] };

/**
 * Sends the texts to the worker-side pipeline and takes back the requested outputs plus the token counts
 * (which only metering sees).
 */
export async function runTextPipeline(inputs: Tensor[], outputNames: string[], runRaw: RawRunner) {
  const texts = inputs.find((t) => t.name === TEXT_INPUT.name)!;
  const { outputs, computeMs } = await runRaw([texts], [...outputNames, TOKEN_COUNT_OUTPUT]);
  const counts = outputs.pop()!.data as Int32Array;
  let tokens = 0;
  for (const count of counts) tokens += count;
  return { outputs, items: texts.shape[0]!, tokens, computeMs };
}
