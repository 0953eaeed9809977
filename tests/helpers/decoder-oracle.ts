/**
 * Runs a decoder folder's onnx/model.onnx with onnxruntime-node directly (no transformers.js):
 * the independent side of the generation-model tests. Feeds follow the Optimum interface and
 * HF's position rule (position = running count of real tokens - 1; padding gets 1).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export type KvCache = Record<string, ort.Tensor>;

export interface ForwardResult {
  /** [batch, sequence, vocab], row-major. */
  logits: Float32Array;
  sequence: number;
  /** present.N.* renamed to past_key_values.N.* for the next step. */
  cache: KvCache;
}

export interface DecoderShape {
  layers: number;
  kvHeads: number;
  headDim: number;
  vocab: number;
}

/** HF's position_ids for a mask, keeping the last `sequence` columns. */
export function positionsFromMask(mask: number[][], sequence: number): number[][] {
  return mask.map((row) => {
    let seen = 0;
    return row.map((m) => (m ? seen++ : 1)).slice(row.length - sequence);
  });
}

const int64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

export class DecoderOracle {
  constructor(
    readonly session: ort.InferenceSession,
    readonly shape: DecoderShape,
  ) {}

  static async load(dir: string): Promise<DecoderOracle> {
    const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const shape = {
      layers: config.num_hidden_layers,
      kvHeads: config.num_key_value_heads,
      headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
      vocab: config.vocab_size,
    };
    return new DecoderOracle(await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx')), shape);
  }

  emptyCache(batch: number): KvCache {
    const cache: KvCache = {};
    for (let l = 0; l < this.shape.layers; l++) {
      for (const kind of ['key', 'value']) {
        cache[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
          batch,
          this.shape.kvHeads,
          0,
          this.shape.headDim,
        ]);
      }
    }
    return cache;
  }

  /** One run: `ids` are the new tokens [batch][seq], `mask` covers past + new [batch][total]. */
  async forward(ids: number[][], mask: number[][], cache: KvCache = this.emptyCache(ids.length)): Promise<ForwardResult> {
    const sequence = ids[0]!.length;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(ids),
      attention_mask: int64(mask),
      position_ids: int64(positionsFromMask(mask, sequence)),
      ...cache,
    };
    if (this.session.inputNames.includes('num_logits_to_keep')) {
      feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.from([0n]), []);
    }
    const out = await this.session.run(feeds);
    const next: KvCache = {};
    for (const name of this.session.outputNames) {
      if (name.startsWith('present.')) next[name.replace('present.', 'past_key_values.')] = out[name]!;
    }
    return { logits: out.logits!.data as Float32Array, sequence, cache: next };
  }

  /** Logits of row `b`, position `s` of a forward result. */
  row(result: ForwardResult, b: number, s: number): Float32Array {
    const v = this.shape.vocab;
    const start = (b * result.sequence + s) * v;
    return result.logits.subarray(start, start + v);
  }

  /** Greedy decoding with the KV cache, stopping after `maxNew` tokens or at a stop token. */
  async greedy(prompt: number[], maxNew: number, stop: number[]): Promise<number[]> {
    const generated: number[] = [];
    let result = await this.forward([prompt], [prompt.map(() => 1)]);
    let total = prompt.length;
    while (generated.length < maxNew) {
      const next = argmax(this.row(result, 0, result.sequence - 1));
      generated.push(next);
      if (stop.includes(next)) break;
      total += 1;
      result = await this.forward([[next]], [new Array<number>(total).fill(1)], result.cache);
    }
    return generated;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
