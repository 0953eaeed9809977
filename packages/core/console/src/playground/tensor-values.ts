/** Parsing and pre-filling the tensor editor's text fields: shapes and flat data arrays, with clear messages. */
import type { TensorSpec } from '../models.js';

/** Elements the editor pre-fills as text; bigger tensors belong in a file or a script. */
export const MAX_EDITOR_ELEMENTS = 50_000;

const INTEGER_TYPES = new Set(['INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64']);
const FLOAT_TYPES = new Set(['FP16', 'FP32', 'FP64']);

/** The shape to start from: a free batch dimension becomes 1, other free dimensions 1 too (the person edits). */
export function initialShape(spec: TensorSpec): number[] {
  return spec.shape.map((d) => (d < 0 ? 1 : d));
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

export function parseShape(text: string): number[] | string {
  const trimmed = text.trim().replace(/^\[|\]$/g, '');
  if (trimmed === '') return [];
  const parts = trimmed.split(/[\s,]+/).filter(Boolean);
  const dims = parts.map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0))
    return `A shape is a list of whole numbers ≥ 0, like "1, 3, 48, 192" (got "${text}").`;
  return dims;
}

export function defaultValue(datatype: string): unknown {
  if (datatype === 'BYTES') return '';
  if (datatype === 'BOOL') return false;
  return 0;
}

/** A data field pre-filled with the type's zero for `shape`, or null when it would be too long to edit. */
export function zeroData(datatype: string, shape: readonly number[]): string | null {
  const count = elementCount(shape);
  if (count > MAX_EDITOR_ELEMENTS) return null;
  return JSON.stringify(new Array(count).fill(defaultValue(datatype)));
}

/** The flat data of a field, checked against the datatype and the shape. */
export function parseData(name: string, datatype: string, shape: readonly number[], text: string): unknown[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Input ${name}: the data is not valid JSON (${(error as Error).message}).`;
  }
  const flat = Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value];
  const expected = elementCount(shape);
  if (flat.length !== expected) return `Input ${name}: shape [${shape.join(', ')}] needs ${expected} values, the data has ${flat.length}.`;
  for (const [i, item] of flat.entries()) {
    if (datatype === 'BYTES' && typeof item !== 'string') return `Input ${name}: value ${i} must be a string (BYTES).`;
    if (datatype === 'BOOL' && typeof item !== 'boolean') return `Input ${name}: value ${i} must be true or false (BOOL).`;
    if (FLOAT_TYPES.has(datatype) && typeof item !== 'number') return `Input ${name}: value ${i} must be a number (${datatype}).`;
    if (INTEGER_TYPES.has(datatype) && (typeof item !== 'number' || !Number.isInteger(item)))
      return `Input ${name}: value ${i} must be a whole number (${datatype}).`;
  }
  return flat;
}
