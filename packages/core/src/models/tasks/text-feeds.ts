/** Shared by the text tasks: which tokenizer outputs a text model takes, and how to feed them. */
import type { ModelSignature, Tensor, TensorSpec } from '../tensors/tensor.js';
import type { TokenBatch } from './text-tokenizer.js';

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

function asDatatype(spec: TensorSpec, values: BigInt64Array): Tensor['data'] {
  return spec.datatype === 'INT32' ? Int32Array.from(values, (v) => Number(v)) : values;
}

export function tokenFeeds(signature: ModelSignature, batch: TokenBatch): Tensor[] {
  const shape = [batch.batchSize, batch.sequenceLength];
  const sources: Record<string, BigInt64Array> = {
    input_ids: batch.inputIds,
    attention_mask: batch.attentionMask,
    token_type_ids: batch.tokenTypeIds,
  };
  return signature.inputs.map((spec) => ({ name: spec.name, datatype: spec.datatype, shape, data: asDatatype(spec, sources[spec.name]!) }));
}

/** The task's one public input: a batch of UTF-8 strings. */
export const TEXT_INPUT: TensorSpec = { name: 'text', datatype: 'BYTES', shape: [-1] };

export function textsOf(inputs: Tensor[]): string[] {
  return inputs.find((t) => t.name === TEXT_INPUT.name)!.data as string[];
}
