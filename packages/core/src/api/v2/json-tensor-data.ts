/**
 * JSON tensor data <-> typed arrays. JSON data may be flat or nested (row-major); it is flattened and each
 * element checked against the datatype (integers in range, booleans for BOOL, strings for BYTES).
 */
import { SluiceError } from '../../errors.js';
import { DATATYPES, type NumericArray, type TensorData, type V2Datatype } from '../../models/tensors/datatypes.js';
import { float16BitsToNumber, numberToFloat16Bits } from '../../models/tensors/float16.js';

const INTEGER_RANGES: Partial<Record<V2Datatype, [number, number]>> = {
  UINT8: [0, 255],
  UINT16: [0, 65535],
  UINT32: [0, 4294967295],
  INT8: [-128, 127],
  INT16: [-32768, 32767],
  INT32: [-2147483648, 2147483647],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * Deeper nesting than this cannot be a tensor anyone serves (ONNX models rarely pass rank 8); refusing it keeps
 * a request from costing more than its size.
 */
export const MAX_DATA_NESTING = 32;

/** Flattens nested row-major data without recursion, so no nesting depth can overflow the stack. */
export function flattenJsonData(data: unknown, inputName: string): unknown[] {
  if (!Array.isArray(data)) {
    throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `input "${inputName}": "data" must be an array (flat or nested)`);
  }
  if (!data.some(Array.isArray)) return data;
  const flat: unknown[] = [];
  // One frame per open array: the array and the index of its next element.
  const stack: { array: unknown[]; next: number }[] = [{ array: data, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.array.length) {
      stack.pop();
      continue;
    }
    const element = frame.array[frame.next++];
    if (!Array.isArray(element)) {
      flat.push(element);
      continue;
    }
    if (stack.length === MAX_DATA_NESTING) {
      throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `input "${inputName}": "data" is nested more than ${MAX_DATA_NESTING} levels deep`);
    }
    stack.push({ array: element, next: 0 });
  }
  return flat;
}

function invalid(inputName: string, datatype: V2Datatype, index: number, value: unknown, expected: string): never {
  // Objects are named, not serialised: one could be nested deep enough to overflow JSON.stringify.
  const shown = typeof value === 'object' && value !== null ? 'an object' : (JSON.stringify(value)?.slice(0, 40) ?? String(value));
  throw new SluiceError(
    'SLUICE_ERR_INVALID_DATA',
    `input "${inputName}" (${datatype}): element ${index} is ${shown}, expected ${expected}`,
  );
}

/** Converts flattened JSON values into the typed array (or string array) for the datatype. */
export function jsonToTensorData(values: unknown[], datatype: V2Datatype, inputName: string): TensorData {
  if (datatype === 'BYTES') {
    return values.map((value, i) => (typeof value === 'string' ? value : invalid(inputName, datatype, i, value, 'a string')));
  }
  const out = DATATYPES[datatype].allocate!(values.length);
  if (datatype === 'BOOL') {
    values.forEach((value, i) => {
      if (typeof value !== 'boolean') invalid(inputName, datatype, i, value, 'true or false');
      out[i] = value ? 1 : 0;
    });
    return out;
  }
  if (datatype === 'FP32' || datatype === 'FP64' || datatype === 'FP16') {
    values.forEach((value, i) => {
      if (typeof value !== 'number') invalid(inputName, datatype, i, value, 'a number');
      out[i] = datatype === 'FP16' ? numberToFloat16Bits(value) : value;
    });
    return out;
  }
  const [min, max] = INTEGER_RANGES[datatype]!;
  const big = datatype === 'INT64' || datatype === 'UINT64';
  values.forEach((value, i) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      invalid(inputName, datatype, i, value, `an integer from ${min} to ${max}`);
    }
    (out as NumericArray)[i] = big ? (BigInt(value) as never) : (value as never);
  });
  return out;
}

/** Typed data -> JSON-ready values (BOOL as booleans, FP16 as numbers, 64-bit integers as numbers). */
export function tensorDataToJson(data: TensorData, datatype: V2Datatype): unknown[] {
  if (Array.isArray(data)) return data;
  switch (datatype) {
    case 'BOOL':
      return Array.from(data as Uint8Array, (v) => v !== 0);
    case 'FP16':
      return Array.from(data as Uint16Array, float16BitsToNumber);
    case 'INT64':
    case 'UINT64':
      return Array.from(data as BigInt64Array, (v) => Number(v));
    default:
      return Array.from(data as Float32Array);
  }
}
