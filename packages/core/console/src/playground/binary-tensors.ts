/**
 * The binary tensor data extension of the Open Inference Protocol, both ways: a request body (JSON header, then
 * each input's raw little-endian bytes) and a response body (JSON header of Inference-Header-Content-Length
 * bytes, then the binary outputs). Pure functions: no DOM, no network.
 */

export interface FloatTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface OutputTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: ArrayLike<number> | ArrayLike<string> | ArrayLike<boolean>;
}

export interface ParsedAnswer {
  modelName: string;
  modelVersion: string;
  outputs: OutputTensor[];
}

export const HEADER_LENGTH = 'Inference-Header-Content-Length';

/** The headers a binary request needs, for fetch and for the curl command alike. */
export function binaryRequestHeaders(headerLength: number): Record<string, string> {
  return { 'content-type': 'application/octet-stream', [HEADER_LENGTH]: String(headerLength) };
}

export function binaryRequestBody(inputs: FloatTensor[], binaryOutputs: string[]): { body: Uint8Array; headerLength: number } {
  const header = JSON.stringify({
    inputs: inputs.map((t) => ({ name: t.name, datatype: 'FP32', shape: t.shape, parameters: { binary_data_size: t.data.byteLength } })),
    outputs: binaryOutputs.map((name) => ({ name, parameters: { binary_data: true } })),
  });
  const headerBytes = new TextEncoder().encode(header);
  const body = new Uint8Array(headerBytes.byteLength + inputs.reduce((sum, t) => sum + t.data.byteLength, 0));
  body.set(headerBytes, 0);
  let offset = headerBytes.byteLength;
  for (const t of inputs) {
    // Float32Array is little-endian on every platform a browser runs on (x86, ARM).
    body.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    offset += t.data.byteLength;
  }
  return { body, headerLength: headerBytes.byteLength };
}

interface RawAnswer {
  model_name: string;
  model_version: string;
  outputs: { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[];
}

/** A JSON response (headerLength null) or a binary one; binary outputs are decoded for FP32 only. */
export function parseInferResponse(bytes: Uint8Array, headerLength: string | null): ParsedAnswer {
  const split = headerLength === null ? bytes.byteLength : Number(headerLength);
  if (!Number.isInteger(split) || split < 0 || split > bytes.byteLength)
    throw new Error(`the server sent a bad ${HEADER_LENGTH} (${headerLength})`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, split))) as RawAnswer;
  let offset = split;
  const outputs = header.outputs.map((o): OutputTensor => {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) return { name: o.name, datatype: o.datatype, shape: o.shape, data: (o.data ?? []) as number[] };
    if (o.datatype !== 'FP32') throw new Error(`output ${o.name}: binary ${o.datatype} is not decoded by the console`);
    if (offset + size > bytes.byteLength) throw new Error(`output ${o.name}: ${size} bytes announced, ${bytes.byteLength - offset} left`);
    // Copy into an aligned buffer: the slice may start at any byte.
    const data = new Float32Array(bytes.slice(offset, offset + size).buffer);
    offset += size;
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
  return { modelName: header.model_name, modelVersion: header.model_version, outputs };
}
