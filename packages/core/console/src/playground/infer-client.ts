/**
 * Inference requests of the Open Inference Protocol from the browser: JSON tensors, or for large FP32 inputs
 * (pictures) the binary tensor data extension (a JSON header, then raw little-endian bytes). Each call also
 * returns the equivalent curl command.
 */
import { api, errorOf } from '../api.js';
import type { CurlRequest } from '../curl.js';
import {
  binaryRequestBody,
  binaryRequestHeaders,
  HEADER_LENGTH,
  parseInferResponse,
  type FloatTensor,
  type OutputTensor,
} from './binary-tensors.js';

export type { FloatTensor, OutputTensor } from './binary-tensors.js';

export interface JsonTensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
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

export function inferPath(model: string, version?: string): string {
  const base = `/v2/models/${encodeURIComponent(model)}`;
  return `${version ? `${base}/versions/${encodeURIComponent(version)}` : base}/infer`;
}

/** Reads a JSON or binary inference response into tensors. */
async function readAnswer(response: Response, started: number): Promise<InferAnswer> {
  if (!response.ok) throw await errorOf(response);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const elapsedMs = performance.now() - started;
  return { ...parseInferResponse(bytes, response.headers.get(HEADER_LENGTH)), elapsedMs };
}

export function inferJson(model: string, inputs: JsonTensor[], version?: string): InferCall {
  const path = inferPath(model, version);
  const body = { inputs };
  const started = performance.now();
  const answer = api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
    readAnswer(r, started),
  );
  return { curl: { method: 'POST', path, json: body }, answer };
}

export const BINARY_BODY_FILE = 'request.bin';

export function inferBinary(
  model: string,
  inputs: FloatTensor[],
  binaryOutputs: string[],
  version?: string,
): InferCall & { body: Uint8Array } {
  const path = inferPath(model, version);
  const { body, headerLength } = binaryRequestBody(inputs, binaryOutputs);
  const headers = binaryRequestHeaders(headerLength);
  const started = performance.now();
  const answer = api(path, { method: 'POST', headers, body: body as BufferSource }).then((r) => readAnswer(r, started));
  return { curl: { method: 'POST', path, headers, bodyFile: BINARY_BODY_FILE }, answer, body };
}
