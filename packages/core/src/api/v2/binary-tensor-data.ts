/**
 * The binary tensor data extension: tensors as raw little-endian bytes after the JSON header. BYTES elements
 * are each a 4-byte little-endian length followed by that many bytes.
 */
import { SluiceError } from '../../errors.js';
import { DATATYPES, type TensorData, type V2Datatype } from '../../models/tensors/datatypes.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** BYTES elements: each a 4-byte little-endian length, then that many bytes (views into the body). */
export function binaryToBytesElements(bytes: Uint8Array, inputName: string): Uint8Array[] {
  const elements: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.byteLength) {
    if (offset + 4 > bytes.byteLength)
      throw new SluiceError('SLUICE_ERR_BINARY_DATA', `input "${inputName}": truncated BYTES length prefix`);
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.byteLength)
      throw new SluiceError('SLUICE_ERR_BINARY_DATA', `input "${inputName}": a BYTES element runs past binary_data_size`);
    elements.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return elements;
}

/**
 * BYTES elements as text (UTF-8 with replacement characters). Whether invalid UTF-8 is acceptable is the
 * model's business: text models refuse it (validateInputs), pipelines that take files read the raw bytes.
 */
export function bytesElementsToStrings(elements: Uint8Array[]): string[] {
  return elements.map((element) => utf8Decoder.decode(element));
}

/** Decodes one input's bytes (numeric datatypes); `bytes` is a view into the request body. */
export function binaryToTensorData(bytes: Uint8Array, datatype: V2Datatype, elements: number, inputName: string): TensorData {
  if (datatype === 'BYTES') return bytesElementsToStrings(binaryToBytesElements(bytes, inputName));
  const info = DATATYPES[datatype];
  const expected = elements * info.byteSize;
  if (bytes.byteLength !== expected) {
    throw new SluiceError(
      'SLUICE_ERR_ELEMENT_COUNT',
      `input "${inputName}": ${elements} ${datatype} elements need ${expected} bytes, binary_data_size is ${bytes.byteLength}`,
    );
  }
  // Copy into a fresh, aligned buffer: the body's buffer may be pooled and unaligned, and this one is transferred to the worker.
  // (Buffer#slice would return a view, so copy explicitly.)
  const aligned = new Uint8Array(bytes.byteLength);
  aligned.set(bytes);
  return info.view!(aligned.buffer, 0, elements);
}

/** Encodes one output's data as the extension's raw bytes. */
export function tensorDataToBinary(data: TensorData, datatype: V2Datatype): Uint8Array {
  if (datatype === 'BYTES') {
    const parts = (data as string[]).map((s) => utf8.encode(s));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(out.buffer);
    let offset = 0;
    for (const part of parts) {
      view.setUint32(offset, part.byteLength, true);
      out.set(part, offset + 4);
      offset += 4 + part.byteLength;
    }
    return out;
  }
  const typed = data as Exclude<TensorData, string[]>;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}
