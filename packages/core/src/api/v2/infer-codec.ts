/**
 * Open Inference Protocol inference requests and responses, in JSON and with the binary tensor data
 * extension (a JSON header of Inference-Header-Content-Length bytes, then the tensors' raw bytes).
 */
import { SluiceError } from '../../errors.js';
import { elementCount, isV2Datatype, V2_DATATYPES } from '../../models/tensors/datatypes.js';
import type { Tensor } from '../../models/tensors/tensor.js';
import { binaryToBytesElements, binaryToTensorData, bytesElementsToStrings, tensorDataToBinary } from './binary-tensor-data.js';
import { flattenJsonData, jsonToTensorData, MAX_DATA_NESTING, tensorDataToJson } from './json-tensor-data.js';

export const HEADER_LENGTH = 'inference-header-content-length';

export interface DecodedInferRequest {
  id?: string;
  inputs: Tensor[];
  /** Requested outputs (undefined = all) and whether each wants binary data. */
  outputs?: { name: string; binary: boolean }[];
  /** parameters.binary_data_output: every output binary unless it says otherwise. */
  binaryByDefault: boolean;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function badRequest(message: string): never {
  throw new SluiceError('SLUICE_ERR_BAD_REQUEST', message);
}

/** The most dimensions a shape may have (data nesting has the same bound). */
const MAX_RANK = MAX_DATA_NESTING;

function parseShape(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || !value.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    badRequest(`input "${name}": "shape" must be an array of non-negative integers`);
  }
  if (value.length > MAX_RANK) badRequest(`input "${name}": "shape" has ${value.length} dimensions, at most ${MAX_RANK} are supported`);
  return value as number[];
}

function splitBody(body: Buffer, headerLength: string | undefined): { header: unknown; binary?: Buffer } {
  if (headerLength === undefined) {
    try {
      return { header: JSON.parse(body.toString('utf8')) };
    } catch (error) {
      return badRequest(`the body is not valid JSON: ${(error as Error).message}`);
    }
  }
  // Plain decimal digits only: Number() would also take "0x6f", "1e2", " 7" or "".
  const length = /^[0-9]+$/.test(headerLength) ? Number(headerLength) : NaN;
  if (!Number.isSafeInteger(length)) {
    throw new SluiceError(
      'SLUICE_ERR_BINARY_DATA',
      `Inference-Header-Content-Length must be a decimal number of bytes, got "${headerLength.slice(0, 40)}"`,
    );
  }
  if (length > body.byteLength) {
    throw new SluiceError(
      'SLUICE_ERR_BINARY_DATA',
      `Inference-Header-Content-Length is ${headerLength} but the body has ${body.byteLength} bytes`,
    );
  }
  try {
    return { header: JSON.parse(body.subarray(0, length).toString('utf8')), binary: body.subarray(length) };
  } catch (error) {
    return badRequest(`the JSON header (first ${length} bytes) is not valid JSON: ${(error as Error).message}`);
  }
}

function binaryFlag(parameters: unknown): boolean | undefined {
  return isObject(parameters) && typeof parameters.binary_data === 'boolean' ? parameters.binary_data : undefined;
}

export function decodeInferRequest(body: Buffer, headerLength: string | undefined): DecodedInferRequest {
  const { header, binary } = splitBody(body, headerLength);
  if (!isObject(header)) badRequest('the request must be a JSON object with an "inputs" array');
  if (header.id !== undefined && typeof header.id !== 'string') badRequest('"id" must be a string');
  if (!Array.isArray(header.inputs) || header.inputs.length === 0) badRequest('"inputs" must be a non-empty array');
  let binaryOffset = 0;
  const inputs = header.inputs.map((raw, index): Tensor => {
    if (!isObject(raw) || typeof raw.name !== 'string' || raw.name === '') badRequest(`inputs[${index}] needs a "name" string`);
    const name = raw.name;
    if (!isV2Datatype(raw.datatype)) badRequest(`input "${name}": "datatype" must be one of ${V2_DATATYPES.join(', ')}`);
    const datatype = raw.datatype;
    const shape = parseShape(raw.shape, name);
    const binarySize = isObject(raw.parameters) ? raw.parameters.binary_data_size : undefined;
    if (binarySize !== undefined) {
      if (!binary)
        throw new SluiceError(
          'SLUICE_ERR_BINARY_DATA',
          `input "${name}" has binary_data_size but the request has no Inference-Header-Content-Length`,
        );
      if (typeof binarySize !== 'number' || !Number.isInteger(binarySize) || binarySize < 0)
        throw new SluiceError('SLUICE_ERR_BINARY_DATA', `input "${name}": binary_data_size must be a non-negative integer`);
      if (raw.data !== undefined) badRequest(`input "${name}" has both "data" and binary_data_size`);
      if (binaryOffset + binarySize > binary.byteLength) {
        throw new SluiceError(
          'SLUICE_ERR_BINARY_DATA',
          `input "${name}": binary_data_size ${binarySize} runs past the end of the body (${binary.byteLength - binaryOffset} bytes left)`,
        );
      }
      const bytes = binary.subarray(binaryOffset, binaryOffset + binarySize);
      binaryOffset += binarySize;
      if (datatype === 'BYTES') {
        const raw = binaryToBytesElements(bytes, name);
        return { name, datatype, shape, data: bytesElementsToStrings(raw), raw };
      }
      return { name, datatype, shape, data: binaryToTensorData(bytes, datatype, elementCount(shape), name) };
    }
    if (raw.data === undefined) badRequest(`input "${name}" needs "data" (or binary_data_size with the binary extension)`);
    return { name, datatype, shape, data: jsonToTensorData(flattenJsonData(raw.data, name), datatype, name) };
  });
  if (binary && binaryOffset !== binary.byteLength) {
    throw new SluiceError(
      'SLUICE_ERR_BINARY_DATA',
      `the body has ${binary.byteLength - binaryOffset} bytes of binary data that no input claims`,
    );
  }
  let outputs: DecodedInferRequest['outputs'];
  if (header.outputs !== undefined) {
    if (!Array.isArray(header.outputs)) badRequest('"outputs" must be an array');
    outputs = header.outputs.map((raw, index) => {
      if (!isObject(raw) || typeof raw.name !== 'string') badRequest(`outputs[${index}] needs a "name" string`);
      return {
        name: raw.name,
        binary: binaryFlag(raw.parameters) ?? Boolean(isObject(header.parameters) && header.parameters.binary_data_output === true),
      };
    });
  }
  const binaryByDefault = isObject(header.parameters) && header.parameters.binary_data_output === true;
  return { id: header.id as string | undefined, inputs, outputs, binaryByDefault };
}

export interface EncodedInferResponse {
  body: string | Buffer;
  contentType: string;
  headerLength?: number;
}

export function encodeInferResponse(
  result: { modelName: string; modelVersion: string; outputs: Tensor[] },
  request: Pick<DecodedInferRequest, 'id' | 'outputs' | 'binaryByDefault'>,
): EncodedInferResponse {
  const wantsBinary = (name: string) => request.outputs?.find((o) => o.name === name)?.binary ?? request.binaryByDefault;
  const chunks: Uint8Array[] = [];
  const outputs = result.outputs.map((tensor) => {
    const base = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape };
    if (wantsBinary(tensor.name)) {
      const bytes = tensorDataToBinary(tensor.data, tensor.datatype);
      chunks.push(bytes);
      return { ...base, parameters: { binary_data_size: bytes.byteLength } };
    }
    return { ...base, data: tensorDataToJson(tensor.data, tensor.datatype) };
  });
  const header = JSON.stringify({
    model_name: result.modelName,
    model_version: result.modelVersion,
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs,
  });
  if (chunks.length === 0) return { body: header, contentType: 'application/json; charset=utf-8' };
  const headerBytes = Buffer.from(header, 'utf8');
  return {
    body: Buffer.concat([headerBytes, ...chunks]),
    contentType: 'application/octet-stream',
    headerLength: headerBytes.byteLength,
  };
}
