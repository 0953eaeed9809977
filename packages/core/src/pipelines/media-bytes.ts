/**
 * The bytes of a file sent in a BYTES tensor element: as sent over the binary extension or a multipart upload
 * (Tensor.raw), or base64 in a V2 JSON string. Which format the bytes are is the decoding step's business.
 */
import { SluiceError } from '../errors.js';
import type { Tensor } from '../models/tensors/tensor.js';

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function mediaBytes(tensor: Tensor, index = 0): Buffer {
  const raw = tensor.raw?.[index];
  if (raw) {
    if (raw.byteLength === 0) throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}": element ${index} is empty`);
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  const text = tensor.data[index];
  if (typeof text !== 'string')
    throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}": expected a file in a BYTES element, got ${tensor.datatype}`);
  // JSON carries files as base64 (line breaks allowed, as MIME writes them).
  const compact = text.replace(/[\r\n]/g, '');
  if (compact.length === 0) throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}": element ${index} is empty`);
  if (!BASE64.test(compact))
    throw new SluiceError(
      'SLUICE_ERR_INVALID_MEDIA',
      `input "${tensor.name}": element ${index} is not base64 (in JSON a file is sent as base64; send raw bytes with the binary extension or a multipart upload)`,
    );
  return Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
}
