/**
 * Checks an image op makes on the tensors it is wired to. A mismatch here is a pipeline.json wiring mistake
 * (a step fed the wrong tensor), not a client's, so it is a plain Error: the pipeline reports it as a 422
 * naming the step.
 */
import type { V2Datatype } from '../../../models/tensors/datatypes.js';
import type { Tensor } from '../../../models/tensors/tensor.js';

/** Returns the tensor's shape after checking its datatype and rank (`-1` in `shape` matches any size). */
export function expectTensor(tensor: Tensor, port: string, datatype: V2Datatype, shape: readonly number[]): number[] {
  const matches =
    tensor.datatype === datatype &&
    tensor.shape.length === shape.length &&
    shape.every((size, axis) => size === -1 || tensor.shape[axis] === size);
  if (!matches) {
    throw new Error(
      `port "${port}" expects ${datatype} [${shape.join(',')}], got ${tensor.name} ${tensor.datatype} [${tensor.shape.join(',')}]`,
    );
  }
  return tensor.shape;
}

export function float32Data(tensor: Tensor): Float32Array {
  if (!(tensor.data instanceof Float32Array)) throw new Error(`tensor ${tensor.name} does not hold FP32 data`);
  return tensor.data;
}

export function uint8Data(tensor: Tensor): Uint8Array {
  if (!(tensor.data instanceof Uint8Array)) throw new Error(`tensor ${tensor.name} does not hold UINT8 data`);
  return tensor.data;
}
