/**
 * Stand-in for the lead's media-bytes.ts (same signature, see PIPELINE-FORMAT.md) so the audio steps build
 * before the pipeline framework lands; the lead's version replaces this file on merge.
 */
import { SluiceError } from '../errors.js';
import type { Tensor } from '../models/tensors/tensor.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The file carried by element `index` of a BYTES tensor: raw bytes when present, else its base64 string decoded. */
export function mediaBytes(tensor: Tensor, index: number): Buffer {
  const raw = (tensor as Tensor & { raw?: Uint8Array[] }).raw?.[index];
  if (raw) {
    if (raw.length === 0) throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" is empty`);
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  }
  const text = Array.isArray(tensor.data) ? tensor.data[index] : undefined;
  if (typeof text !== 'string' || text.length === 0) {
    throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" holds no file`);
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `input "${tensor.name}" is not base64`);
  }
  return Buffer.from(compact, 'base64');
}
