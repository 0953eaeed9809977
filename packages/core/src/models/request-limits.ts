/**
 * Per-request size bounds for text (BYTES) inputs, checked before any work is queued: how many items (rows
 * along dim 0) a request may carry and how many UTF-8 bytes its strings may hold. Tokenizing and running are
 * proportional to these, so without a bound one request could occupy a worker for minutes and grow it by
 * gigabytes. Numeric tensors are bounded by the body size (--max-body-bytes): their dim 0 need not be a batch.
 */
import { SluiceError } from '../errors.js';
import type { Tensor } from './tensors/tensor.js';

export interface RequestLimits {
  maxRequestItems: number;
  maxTextBytes: number;
  maxRequestTextBytes: number;
}

/**
 * `filesInBytes`: the model reads its BYTES inputs as files (a pipeline's image or WAV), not as text to
 * tokenize: only the item count applies (a file is bounded by the body size and by its decoding step's own
 * limits); texts a pipeline passes on to a text model are checked when that member runs.
 */
export function assertWithinLimits(model: string, inputs: readonly Tensor[], limits: RequestLimits, filesInBytes = false): void {
  for (const input of inputs) {
    if (input.datatype !== 'BYTES') continue;
    const items = input.shape[0] ?? 1;
    if (items > limits.maxRequestItems) {
      throw new SluiceError(
        'SLUICE_ERR_TOO_MANY_ITEMS',
        `model "${model}": input "${input.name}" has ${items} items; at most ${limits.maxRequestItems} per request (--max-request-items)`,
      );
    }
  }
  if (filesInBytes) return;
  let total = 0;
  for (const input of inputs) {
    if (input.datatype !== 'BYTES') continue;
    for (const [index, text] of (input.data as string[]).entries()) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > limits.maxTextBytes) {
        throw new SluiceError(
          'SLUICE_ERR_TEXT_TOO_LARGE',
          `model "${model}": element ${index} of input "${input.name}" has ${bytes} bytes; at most ${limits.maxTextBytes} per text (--max-text-bytes)`,
        );
      }
      total += bytes;
      if (total > limits.maxRequestTextBytes) {
        throw new SluiceError(
          'SLUICE_ERR_TEXT_TOO_LARGE',
          `model "${model}": the texts of input "${input.name}" exceed ${limits.maxRequestTextBytes} bytes in all (--max-request-text-bytes)`,
        );
      }
    }
  }
}
