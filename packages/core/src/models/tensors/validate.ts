/** Checks a decoded request against a model's declared inputs and outputs before any work is queued. */
import { isUtf8 } from 'node:buffer';
import { SluiceError } from '../../errors.js';
import { elementCount } from './datatypes.js';
import type { ModelSignature, Tensor, TensorSpec } from './tensor.js';

function shapeFits(declared: number[], actual: number[]): boolean {
  // ORT reports scalars as []; a declared rank of 0 only takes [] (or [1] is refused like Triton does).
  if (declared.length !== actual.length) return false;
  return declared.every((dim, i) => dim === -1 || dim === actual[i]);
}

function describeShape(shape: number[]): string {
  return `[${shape.join(', ')}]`;
}

export interface ValidateOptions {
  /** The model reads BYTES inputs as files (a pipeline): raw bytes need not be UTF-8 text. */
  acceptsFiles?: boolean;
  /** An empty batch is acceptable (a pipeline step with nothing to do; the caller answers it without a run). */
  allowEmpty?: boolean;
}

/** ONNX string tensors hold text: bytes sent raw must be valid UTF-8 for a model that reads them as text. */
function assertUtf8(input: Tensor): void {
  const index = input.raw?.findIndex((element) => !isUtf8(element)) ?? -1;
  if (index >= 0) {
    throw new SluiceError(
      'SLUICE_ERR_INVALID_DATA',
      `input "${input.name}": BYTES element ${index} is not valid UTF-8 (ONNX string tensors hold text)`,
    );
  }
}

export function validateInputs(modelName: string, signature: ModelSignature, inputs: Tensor[], options: ValidateOptions = {}): void {
  const specs = new Map<string, TensorSpec>(signature.inputs.map((s) => [s.name, s]));
  const seen = new Set<string>();
  for (const input of inputs) {
    const spec = specs.get(input.name);
    if (!spec) {
      throw new SluiceError(
        'SLUICE_ERR_INPUT_UNKNOWN',
        `model "${modelName}" has no input "${input.name}" (inputs: ${[...specs.keys()].join(', ')})`,
      );
    }
    if (seen.has(input.name)) throw new SluiceError('SLUICE_ERR_INPUT_DUPLICATE', `input "${input.name}" was sent more than once`);
    seen.add(input.name);
    if (input.datatype !== spec.datatype) {
      throw new SluiceError(
        'SLUICE_ERR_DATATYPE_MISMATCH',
        `input "${input.name}" must have datatype ${spec.datatype}, got ${input.datatype}`,
      );
    }
    if (!shapeFits(spec.shape, input.shape)) {
      throw new SluiceError(
        'SLUICE_ERR_SHAPE_MISMATCH',
        `input "${input.name}" must have shape ${describeShape(spec.shape)} (-1 = any), got ${describeShape(input.shape)}`,
      );
    }
    // An empty tensor carries nothing to infer, and some graphs abort natively on one (Silero VAD with batch 0).
    if (input.shape.includes(0) && !options.allowEmpty) {
      throw new SluiceError(
        'SLUICE_ERR_SHAPE_MISMATCH',
        `input "${input.name}" has shape ${describeShape(input.shape)}: every dimension must be at least 1`,
      );
    }
    if (!options.acceptsFiles) assertUtf8(input);
    const expected = elementCount(input.shape);
    if (input.data.length !== expected) {
      throw new SluiceError(
        'SLUICE_ERR_ELEMENT_COUNT',
        `input "${input.name}" has shape ${describeShape(input.shape)} (${expected} elements) but ${input.data.length} data elements`,
      );
    }
  }
  const missing = signature.inputs.filter((s) => !seen.has(s.name)).map((s) => s.name);
  if (missing.length > 0) throw new SluiceError('SLUICE_ERR_INPUT_MISSING', `model "${modelName}" needs input(s) ${missing.join(', ')}`);
}

export function validateOutputNames(modelName: string, signature: ModelSignature, requested: string[]): void {
  const known = new Set(signature.outputs.map((o) => o.name));
  const seen = new Set<string>();
  for (const name of requested) {
    if (!known.has(name)) {
      throw new SluiceError(
        'SLUICE_ERR_OUTPUT_UNKNOWN',
        `model "${modelName}" has no output "${name}" (outputs: ${[...known].join(', ')})`,
      );
    }
    // Refused as Triton does ("output already exists in request"): one name, one tensor in the response.
    if (seen.has(name)) throw new SluiceError('SLUICE_ERR_OUTPUT_DUPLICATE', `output "${name}" was requested more than once`);
    seen.add(name);
  }
}
