/** tensor.argmax: the index and value of the largest element along the last axis (a classifier's label and score). */
import { SluiceError } from '../../../errors.js';
import type { Tensor } from '../../../models/tensors/tensor.js';
import type { StepOp } from '../../step-op.js';

function asFloats(tensor: Tensor, port: string): Float32Array | Float64Array {
  if (tensor.data instanceof Float32Array || tensor.data instanceof Float64Array) return tensor.data;
  throw new SluiceError('SLUICE_ERR_PIPELINE_STEP_FAILED', `input "${port}" must be FP32 or FP64, got ${tensor.datatype}`);
}

export const argmaxOp: StepOp = {
  op: 'tensor.argmax',
  summary: 'Index (INT64) and value (FP32) of the largest element along the last axis.',
  inputs: ['values'],
  outputs: ['indices', 'maxima'],
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  prepare: () => async (inputs) => {
    const values = inputs.values!;
    const data = asFloats(values, 'values');
    const width = values.shape.at(-1) ?? 1;
    if (values.shape.length === 0 || width < 1)
      throw new SluiceError(
        'SLUICE_ERR_PIPELINE_STEP_FAILED',
        `input "values" needs a last axis of at least 1, got shape [${values.shape.join(', ')}]`,
      );
    const rows = data.length / width;
    const indices = new BigInt64Array(rows);
    const maxima = new Float32Array(rows);
    for (let row = 0; row < rows; row++) {
      let best = 0;
      for (let i = 1; i < width; i++) if (data[row * width + i]! > data[row * width + best]!) best = i;
      indices[row] = BigInt(best);
      maxima[row] = data[row * width + best]!;
    }
    const shape = values.shape.slice(0, -1);
    return {
      indices: { name: 'indices', datatype: 'INT64', shape, data: indices },
      maxima: { name: 'maxima', datatype: 'FP32', shape, data: maxima },
    };
  },
};
