/**
 * A multipart/form-data body (RFC 7578) as V2 inputs: each field becomes a BYTES input named after the field,
 * one element per part with that name. A file part keeps its bytes as sent (Tensor.raw), so a pipeline that
 * takes an image or a WAV reads the file itself; a text part is its text. The body is already in memory
 * (bounded by --max-body-bytes); parts are views into it, never copies.
 */
import { SluiceError } from '../../errors.js';
import type { Tensor } from '../../models/tensors/tensor.js';
import { bytesElementsToStrings } from './binary-tensor-data.js';

/** More parts than inputs any model has is a malformed (or hostile) form. */
export const MAX_FORM_PARTS = 256;
const MAX_PART_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

function bad(message: string): never {
  throw new SluiceError('SLUICE_ERR_BAD_REQUEST', `multipart body: ${message}`);
}

/** The boundary parameter of a multipart/form-data content type, or undefined when it is not one. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  if (!match) bad('the Content-Type has no boundary');
  return match[1] ?? match[2]!;
}

/** The field name of a part, from its Content-Disposition header. */
function fieldName(headerText: string): string {
  const disposition = headerText.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line));
  if (!disposition || !/:\s*form-data\s*(;|$)/i.test(disposition)) bad('every part needs "Content-Disposition: form-data"');
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^\s;"]+)/i.exec(disposition)?.[1];
  if (!name) bad('a part has no field name');
  return name;
}

/** Splits the body into [field name, bytes] parts, in order. */
export function parseMultipartForm(body: Buffer, boundary: string): [string, Uint8Array][] {
  const delimiter = Buffer.from(`--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) bad('the boundary never occurs');
  const parts: [string, Uint8Array][] = [];
  for (;;) {
    position += delimiter.length;
    // "--" right after a delimiter closes the form.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break;
    if (!body.subarray(position, position + 2).equals(CRLF)) bad('a boundary line is not followed by CRLF');
    const headersStart = position + 2;
    const headersEnd = body.indexOf(HEADER_END, headersStart);
    if (headersEnd < 0 || headersEnd - headersStart > MAX_PART_HEADER_BYTES) bad('a part has no end of headers (or headers over 8 KiB)');
    const name = fieldName(body.subarray(headersStart, headersEnd).toString('latin1'));
    const contentStart = headersEnd + HEADER_END.length;
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), contentStart);
    if (next < 0) bad('the last part is not closed by the boundary');
    parts.push([name, body.subarray(contentStart, next)]);
    if (parts.length > MAX_FORM_PARTS) bad(`more than ${MAX_FORM_PARTS} parts`);
    position = next + CRLF.length;
  }
  if (parts.length === 0) bad('the form has no fields');
  return parts;
}

/** The form's fields as BYTES inputs, in the order their names first appear. */
export function formToInputs(body: Buffer, boundary: string): Tensor[] {
  const byName = new Map<string, Uint8Array[]>();
  for (const [name, bytes] of parseMultipartForm(body, boundary)) {
    const elements = byName.get(name) ?? [];
    elements.push(bytes);
    byName.set(name, elements);
  }
  return [...byName].map(([name, raw]) => ({ name, datatype: 'BYTES', shape: [raw.length], data: bytesElementsToStrings(raw), raw }));
}
