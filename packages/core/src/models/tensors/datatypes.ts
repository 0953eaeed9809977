/**
 * Open Inference Protocol datatypes and how each maps onto ONNX Runtime tensor types and typed arrays.
 */
export const V2_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type V2Datatype = (typeof V2_DATATYPES)[number];

/** ORT's names for tensor element types (what `session.inputMetadata[i].type` reports). */
export type OrtType =
  'bool' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'string';

export type NumericArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** Tensor data in memory: typed arrays for numbers (FP16 as raw Uint16 bits, BOOL as 0/1 bytes), strings for BYTES. */
export type TensorData = NumericArray | string[];

export interface DatatypeInfo {
  ort: OrtType;
  /** Bytes per element in the binary extension; 0 for BYTES (length-prefixed, variable). */
  byteSize: number;
  /** Allocates a typed array of `length` elements (absent for BYTES). */
  allocate?: (length: number) => NumericArray;
  /** Wraps raw little-endian bytes (aligned copy made by the caller) as a typed array. */
  view?: (buffer: ArrayBuffer, byteOffset: number, length: number) => NumericArray;
}

export const DATATYPES: Record<V2Datatype, DatatypeInfo> = {
  BOOL: { ort: 'bool', byteSize: 1, allocate: (n) => new Uint8Array(n), view: (b, o, n) => new Uint8Array(b, o, n) },
  UINT8: { ort: 'uint8', byteSize: 1, allocate: (n) => new Uint8Array(n), view: (b, o, n) => new Uint8Array(b, o, n) },
  UINT16: { ort: 'uint16', byteSize: 2, allocate: (n) => new Uint16Array(n), view: (b, o, n) => new Uint16Array(b, o, n) },
  UINT32: { ort: 'uint32', byteSize: 4, allocate: (n) => new Uint32Array(n), view: (b, o, n) => new Uint32Array(b, o, n) },
  UINT64: { ort: 'uint64', byteSize: 8, allocate: (n) => new BigUint64Array(n), view: (b, o, n) => new BigUint64Array(b, o, n) },
  INT8: { ort: 'int8', byteSize: 1, allocate: (n) => new Int8Array(n), view: (b, o, n) => new Int8Array(b, o, n) },
  INT16: { ort: 'int16', byteSize: 2, allocate: (n) => new Int16Array(n), view: (b, o, n) => new Int16Array(b, o, n) },
  INT32: { ort: 'int32', byteSize: 4, allocate: (n) => new Int32Array(n), view: (b, o, n) => new Int32Array(b, o, n) },
  INT64: { ort: 'int64', byteSize: 8, allocate: (n) => new BigInt64Array(n), view: (b, o, n) => new BigInt64Array(b, o, n) },
  FP16: { ort: 'float16', byteSize: 2, allocate: (n) => new Uint16Array(n), view: (b, o, n) => new Uint16Array(b, o, n) },
  FP32: { ort: 'float32', byteSize: 4, allocate: (n) => new Float32Array(n), view: (b, o, n) => new Float32Array(b, o, n) },
  FP64: { ort: 'float64', byteSize: 8, allocate: (n) => new Float64Array(n), view: (b, o, n) => new Float64Array(b, o, n) },
  BYTES: { ort: 'string', byteSize: 0 },
};

const ORT_TO_V2 = new Map<string, V2Datatype>(
  (Object.entries(DATATYPES) as [V2Datatype, DatatypeInfo][]).map(([v2, info]) => [info.ort, v2]),
);

export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && (V2_DATATYPES as readonly string[]).includes(value);
}

/** The V2 datatype for an ORT element type, or undefined for types the protocol cannot carry (e.g. bfloat16). */
export function v2DatatypeOf(ortType: string): V2Datatype | undefined {
  return ORT_TO_V2.get(ortType);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}
