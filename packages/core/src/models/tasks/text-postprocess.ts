/** Turns a text model's raw outputs into task outputs: pooled, normalised vectors or label probabilities. */

export function meanPool(states: Float32Array, mask: BigInt64Array, batch: number, sequence: number, hidden: number): Float32Array {
  const pooled = new Float32Array(batch * hidden);
  for (let row = 0; row < batch; row++) {
    let count = 0;
    for (let token = 0; token < sequence; token++) {
      if (mask[row * sequence + token] === 0n) continue;
      count++;
      const from = (row * sequence + token) * hidden;
      for (let i = 0; i < hidden; i++) pooled[row * hidden + i]! += states[from + i]!;
    }
    for (let i = 0; i < hidden; i++) pooled[row * hidden + i]! /= Math.max(1, count);
  }
  return pooled;
}

export function l2Normalize(vectors: Float32Array, width: number): void {
  for (let offset = 0; offset < vectors.length; offset += width) {
    let sum = 0;
    for (let i = 0; i < width; i++) sum += vectors[offset + i]! ** 2;
    const norm = Math.sqrt(sum) || 1;
    for (let i = 0; i < width; i++) vectors[offset + i]! /= norm;
  }
}

function softmax(logits: Float32Array | Float64Array, offset: number, width: number, into: Float32Array): void {
  let max = -Infinity;
  for (let i = 0; i < width; i++) max = Math.max(max, logits[offset + i]!);
  let sum = 0;
  for (let i = 0; i < width; i++) sum += into[offset + i] = Math.exp(logits[offset + i]! - max);
  for (let i = 0; i < width; i++) into[offset + i]! /= sum;
}

/** Per-row label probabilities from logits [rows, width]; one logit per row is a binary sigmoid. */
export function labelProbabilities(logits: Float32Array | Float64Array, rows: number, width: number, labelCount: number): Float32Array {
  const probabilities = new Float32Array(rows * labelCount);
  for (let row = 0; row < rows; row++) {
    if (width === 1) {
      const positive = 1 / (1 + Math.exp(-logits[row]!));
      probabilities[row * 2] = 1 - positive;
      probabilities[row * 2 + 1] = positive;
    } else {
      softmax(logits, row * width, width, probabilities);
    }
  }
  return probabilities;
}
