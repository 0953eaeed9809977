/**
 * Picks the next token from one row of logits: greedy (temperature 0) or seeded sampling with temperature
 * and nucleus (top_p), after OpenAI's presence and frequency penalties. Runs in the worker, next to the
 * logits, so that only token ids cross the process boundary.
 */

export interface SamplingParams {
  /** 0 is greedy: the most likely token, ties to the lowest id (as transformers.js does). */
  temperature: number;
  topP: number;
  /** The random stream's start; the same seed and request give the same tokens. */
  seed: number;
  presencePenalty: number;
  frequencyPenalty: number;
}

/** mulberry32: small, fast and reproducible across platforms; statistical quality is ample for sampling. */
function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Sampler {
  private readonly random: () => number;
  /** How often each token was generated so far (for the penalties). */
  private readonly counts = new Map<number, number>();

  constructor(private readonly params: SamplingParams) {
    this.random = randomStream(params.seed);
  }

  /** `logits` holds `width` values from `offset`; it may be modified (penalties). */
  next(logits: Float32Array, offset: number, width: number): number {
    const { presencePenalty, frequencyPenalty, temperature } = this.params;
    if (presencePenalty !== 0 || frequencyPenalty !== 0) {
      for (const [token, count] of this.counts) logits[offset + token]! -= presencePenalty + frequencyPenalty * count;
    }
    const token = temperature === 0 ? argmax(logits, offset, width) : this.sample(logits, offset, width);
    this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
    return token;
  }

  private sample(logits: Float32Array, offset: number, width: number): number {
    const { temperature, topP } = this.params;
    let max = -Infinity;
    for (let i = 0; i < width; i++) max = Math.max(max, logits[offset + i]!);
    const probabilities = new Float64Array(width);
    let sum = 0;
    for (let i = 0; i < width; i++) sum += probabilities[i] = Math.exp((logits[offset + i]! - max) / temperature);
    // Candidates in descending probability; tokens below 1e-12 of the total cannot matter to top_p or a draw.
    const floor = sum * 1e-12;
    const candidates: number[] = [];
    for (let i = 0; i < width; i++) if (probabilities[i]! > floor) candidates.push(i);
    candidates.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
    let kept = candidates.length;
    if (topP < 1) {
      let mass = 0;
      for (let i = 0; i < candidates.length; i++) {
        mass += probabilities[candidates[i]!]! / sum;
        if (mass >= topP) {
          kept = i + 1;
          break;
        }
      }
    }
    let total = 0;
    for (let i = 0; i < kept; i++) total += probabilities[candidates[i]!]!;
    let draw = this.random() * total;
    for (let i = 0; i < kept; i++) {
      draw -= probabilities[candidates[i]!]!;
      if (draw < 0) return candidates[i]!;
    }
    return candidates[kept - 1]!;
  }
}

export function argmax(values: Float32Array, offset: number, width: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < width; i++) {
    const value = values[offset + i]!;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}
