/**
 * Inference requests of the Open Inference Protocol from the browser: JSON tensors, or for large FP32 inputs
 * (pictures) the binary tensor data extension (a JSON header, then raw little-endian bytes). Each call also
 * returns the equivalent curl command.
 */
import { api, errorOf } from '../api.js';
import type { CurlRequest } from '../curl.js';

export interface JsonTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
}

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

export interface InferAnswer {
  modelName: string;
  modelVersion: string;
  outputs: OutputTensor[];
  elapsedMs: number;
}

export interface InferCall {
  curl: CurlRequest;
  answer: Promise<InferAnswer>;
}

const HEADER_LENGTH = 'Inference-Header-Content-Length';

export function inferPath(model: string, version?: string): string {
  const base = `/v2/models/${encodeURIComponent(model)}`;
  return `${version ? `${base}/versions/${encodeURIComponent(version)}` : base}/infer`;
}

interface RawAnswer {
  model_name: string;
  model_version: string;
  outputs: { name: string; datatype: string; shape: number[]; data?: unknown[]; parameters?: { binary_data_size?: number } }[];
}

/** Reads a JSON or binary inference response into tensors (binary outputs are FP32 here). */
async function readAnswer(response: Response, started: number): Promise<InferAnswer> {
  if (!response.ok) throw await errorOf(response);
  const headerLength = response.headers.get(HEADER_LENGTH);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const elapsedMs = performance.now() - started;
  const split = headerLength === null ? bytes.byteLength : Number(headerLength);
  if (!Number.isInteger(split) || split < 0 || split > bytes.byteLength) throw new Error(`the server sent a bad ${HEADER_LENGTH} (${headerLength})`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, split))) as RawAnswer;
  let offset = split;
  const outputs = header.outputs.map((o): OutputTensor => {
    const size = o.parameters?.binary_data_size;
    if (size === undefined) return { name: o.name, datatype: o.datatype, shape: o.shape, data: (o.data ?? []) as number[] };
    if (o.datatype !== 'FP32') throw new Error(`output ${o.name}: binary ${o.datatype} is not decoded by the console`);
    // Copy into an aligned buffer: the slice may start at any byte.
    const data = new Float32Array(bytes.slice(offset, offset + size).buffer);
    offset += size;
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
  return { modelName: header.model_name, modelVersion: header.model_version, outputs, elapsedMs };
}

export function inferJson(model: string, inputs: JsonTensor[], version?: string): InferCall {
  const path = inferPath(model, version);
  const body = { inputs };
  const started = performance.now();
  const answer = api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => readAnswer(r, started));
  return { curl: { method: 'POST', path, json: body }, answer };
}

/** The body of a binary-extension request: the JSON header, then each input's bytes in order. */
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

export const BINARY_BODY_FILE = 'request.bin';

export function inferBinary(model: string, inputs: FloatTensor[], binaryOutputs: string[], version?: string): InferCall & { body: Uint8Array } {
  const path = inferPath(model, version);
  const { body, headerLength } = binaryRequestBody(inputs, binaryOutputs);
  const headers = { 'content-type': 'application/octet-stream', [HEADER_LENGTH]: String(headerLength) };
  const started = performance.now();
  const answer = api(path, { method: 'POST', headers, body: body as BufferSource }).then((r) => readAnswer(r, started));
  return { curl: { method: 'POST', path, headers, bodyFile: BINARY_BODY_FILE }, answer, body };
}
