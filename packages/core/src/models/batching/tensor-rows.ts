/**
 * Row (dim 0) operations on tensors: join several requests' tensors into one batch and cut a batch's
 * outputs back into per-request pieces. Only tensors whose non-batch dims are equal are joined.
 */
import { DATATYPES, elementCount, type NumericArray, type TensorData } from '../tensors/datatypes.js';
import type { Tensor } from '../tensors/tensor.js';

/** Elements in one row of a tensor of this shape (the product of the non-batch dims). */
export function rowSize(shape: readonly number[]): number {
  return elementCount(shape.slice(1));
}

/** Concatenates same-named, same-typed tensors along dim 0. Callers guarantee the non-batch dims match. */
export function concatRows(parts: Tensor[]): Tensor {
  const first = parts[0]!;
  const rows = parts.reduce((sum, t) => sum + t.shape[0]!, 0);
  const shape = [rows, ...first.shape.slice(1)];
  if (first.datatype === 'BYTES') {
    return { name: first.name, datatype: first.datatype, shape, data: parts.flatMap((t) => t.data as string[]) };
  }
  const data = DATATYPES[first.datatype].allocate!(elementCount(shape));
  let offset = 0;
  for (const part of parts) {
    // set() is typed per array kind; all parts share the datatype, so the cast is sound.
    (data as Float32Array).set(part.data as Float32Array, offset);
    offset += (part.data as NumericArray).length;
  }
  return { name: first.name, datatype: first.datatype, shape, data };
}

/** A copy of rows [start, start + count) of a tensor; a copy, so each request owns its own buffer. */
export function sliceRows(tensor: Tensor, start: number, count: number): Tensor {
  const width = rowSize(tensor.shape);
  const shape = [count, ...tensor.shape.slice(1)];
  const data: TensorData =
    tensor.datatype === 'BYTES'
      ? (tensor.data as string[]).slice(start * width, (start + count) * width)
      : (tensor.data as NumericArray).slice(start * width, (start + count) * width);
  return { name: tensor.name, datatype: tensor.datatype, shape, data };
}
