/**
 * FP16 on Node 22+: onnxruntime-common stores float16 tensor data as a Float16Array wherever the runtime has
 * that class (Node 24 does, Node 20 does not), even when given a Uint16Array, and onnxruntime-node 1.30's binding
 * reads a Float16Array's byte length as 0, so every FP16 input fails with "not enough space: expected N, got 0"
 * (microsoft/onnxruntime#32323). Sluice carries FP16 as raw Uint16 bits anyway (models/tensors/datatypes.ts).
 *
 * onnxruntime-common picks its typed array for float16 once, at the first Tensor it builds. Building that first
 * Tensor while Float16Array is hidden makes it choose Uint16Array, as on Node 20; the global is then put back.
 * Call before any other Tensor is built in this process. Remove once onnxruntime-node reads Float16Array.
 */
import * as ort from 'onnxruntime-node';

export function keepFloat16AsUint16Bits(): void {
  const float16Array = Object.getOwnPropertyDescriptor(globalThis, 'Float16Array');
  if (!float16Array) return;
  delete (globalThis as { Float16Array?: unknown }).Float16Array;
  try {
    new ort.Tensor('float32', new Float32Array(0), [0]);
  } finally {
    Object.defineProperty(globalThis, 'Float16Array', float16Array);
  }
}
