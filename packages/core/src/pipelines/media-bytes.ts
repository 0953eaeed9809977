/**
 * STAND-IN until the lead's media-bytes.ts lands on main (take main's version on merge): the file carried by
 * element `index` of a BYTES tensor, as raw bytes (binary extension, multipart) or base64 text (V2 JSON).
 */
import { SluiceError } from '../errors.js';
import type { Tensor } from '../models/tensors/tensor.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function mediaBytes(tensor: Tensor, index: number): Buffer {
  const raw = (tensor as Tensor & { raw?: Uint8Array[] }).raw?.[index];
  if (raw !== undefined) {
    if (raw.length === 0) throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" is empty`);
    return Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  }
  const text = (tensor.data as string[])[index];
  if (typeof text !== 'string' || text.length === 0) {
    throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" is empty`);
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" is not base64`);
  }
  return Buffer.from(compact, 'base64');
}
