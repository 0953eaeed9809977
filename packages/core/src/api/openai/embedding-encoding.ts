/** Turns an embedding row into what OpenAI clients expect: a JSON number array, or base64 of little-endian float32. */
export function encodeEmbedding(vector: Float32Array, format: 'float' | 'base64'): number[] | string {
  if (format === 'float') return Array.from(vector);
  const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  if (!isLittleEndian) bytes.swap32();
  return bytes.toString('base64');
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
