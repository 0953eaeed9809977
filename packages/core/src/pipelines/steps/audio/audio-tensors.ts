/** Reading and making the tensors the audio steps pass each other: samples FP32 [n], a sample rate INT32 [1]. */
import type { Tensor } from '../../../models/tensors/tensor.js';

/** A required input port's tensor (the pipeline loader checks the wiring; this keeps the types honest). */
export function inputPort(inputs: Record<string, Tensor>, port: string): Tensor {
  const tensor = inputs[port];
  if (!tensor) throw new Error(`input port "${port}" is not wired`);
  return tensor;
}

export function samplesTensor(name: string, samples: Float32Array): Tensor {
  return { name, datatype: 'FP32', shape: [samples.length], data: samples };
}

export function sampleRateTensor(name: string, rate: number): Tensor {
  return { name, datatype: 'INT32', shape: [1], data: Int32Array.of(rate) };
}

/** Mono samples from an FP32 vector. A mismatch is a wiring mistake in pipeline.json, hence a plain Error. */
export function readSamples(tensor: Tensor): Float32Array {
  if (tensor.datatype !== 'FP32' || !(tensor.data instanceof Float32Array) || tensor.shape.length !== 1) {
    throw new Error(`"${tensor.name}" must be an FP32 vector of samples, got ${tensor.datatype} [${tensor.shape.join(',')}]`);
  }
  return tensor.data;
}

/** A sample rate from a one-element INT32 or INT64 tensor. */
export function readSampleRate(tensor: Tensor): number {
  const { data } = tensor;
  const value = data instanceof Int32Array ? data[0] : data instanceof BigInt64Array && data.length > 0 ? Number(data[0]) : undefined;
  if (data.length !== 1 || value === undefined || !Number.isInteger(value) || value <= 0) {
    throw new Error(`"${tensor.name}" must hold one positive integer sample rate (INT32 or INT64)`);
  }
  return value;
}
