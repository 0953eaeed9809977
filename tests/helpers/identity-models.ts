/**
 * Generates tiny real ONNX models for protocol tests: per datatype, an Identity graph with input "x" and two
 * outputs ("y" and "y_copy"), so every Open Inference Protocol datatype travels through ONNX Runtime.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  makeInitializer,
  makeModel,
  makeNode,
  makeTensorValueInfo,
  serialize,
  type Dim,
  type ElementType,
} from '../../demo/onnx-builder.js';

export const DATATYPE_TO_ELEMENT: Record<string, ElementType> = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
};

export function identityModel(element: ElementType, shape: Dim[] = ['batch', 'width']): Uint8Array {
  return serialize(
    makeModel({
      name: `identity_${element}`,
      nodes: [makeNode('Identity', ['x'], ['y']), makeNode('Identity', ['x'], ['y_copy'])],
      inputs: [makeTensorValueInfo('x', element, shape)],
      outputs: [makeTensorValueInfo('y', element, shape), makeTensorValueInfo('y_copy', element, shape)],
    }),
  );
}

export function writeModel(repository: string, name: string, version: number, bytes: Uint8Array, config?: object): string {
  const versionDir = path.join(repository, name, String(version));
  mkdirSync(versionDir, { recursive: true });
  const file = path.join(versionDir, 'model.onnx');
  writeFileSync(file, bytes);
  if (config) writeFileSync(path.join(repository, name, 'config.json'), JSON.stringify(config));
  return file;
}

/** identity_<datatype> for every datatype, plus fixed_fp32 with a fixed [2, 3] input. */
export function writeIdentityRepository(repository: string): void {
  for (const [datatype, element] of Object.entries(DATATYPE_TO_ELEMENT))
    writeModel(repository, `identity_${datatype.toLowerCase()}`, 1, identityModel(element));
  writeModel(repository, 'fixed_fp32', 1, identityModel('float32', [2, 3]));
}

/**
 * A model whose run is long while its request is tiny: x [1] is spread over an N×N matrix that is multiplied by
 * itself `steps` times (N·(1/N)² = 1/N keeps the values finite), then averaged to [1, 1]. Tests of deadlines
 * that must expire during the native run, not during the upload of a large input, use it.
 */
export function slowMatMulModel(n = 2048, steps = 48): Uint8Array {
  const nodes = [makeNode('Expand', ['x', 'square'], ['m0'])];
  for (let i = 1; i <= steps; i++) nodes.push(makeNode('MatMul', [`m${i - 1}`, 'm0'], [`m${i}`]));
  nodes.push(makeNode('ReduceMean', [`m${steps}`], ['y'], { axes: [0, 1], keepdims: 1 }));
  return serialize(
    makeModel({
      name: 'slow_matmul',
      nodes,
      inputs: [makeTensorValueInfo('x', 'float32', [1])],
      outputs: [makeTensorValueInfo('y', 'float32', [1, 1])],
      initializers: [makeInitializer('square', 'int64', [2], [BigInt(n), BigInt(n)])],
    }),
  );
}
