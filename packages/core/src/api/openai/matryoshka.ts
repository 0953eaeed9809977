/**
 * OpenAI's `dimensions` for Matryoshka-trained models: keep the first `width` components of each vector and,
 * when the model's vectors are normalised, normalise the shortened ones again.
 */
import { l2Normalize } from '../../models/tasks/text-postprocess.js';

export function truncateEmbeddings(vectors: Float32Array, rowWidth: number, width: number, normalize: boolean): Float32Array {
  if (width >= rowWidth) return vectors;
  const rows = vectors.length / rowWidth;
  const shortened = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) shortened.set(vectors.subarray(row * rowWidth, row * rowWidth + width), row * width);
  if (normalize) l2Normalize(shortened, width);
  return shortened;
}
