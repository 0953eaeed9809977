/**
 * The worker step: one message from the scheduler runs at most two ORT runs in the worker process — one
 * decode run over the running batch (one new token per sequence) and one prefill chunk of a newcomer — then
 * samples the next tokens there. Only token ids cross back; the KV caches stay in this process
 * (kv-cache.ts). One GenerationState lives per session.
 */
import * as ort from 'onnxruntime-node';
import { float16BitsToNumber } from '../tensors/float16.js';
import type { DecoderSpec } from './decoder-spec.js';
import { KvCacheManager, type KvArray } from './kv-cache.js';
import { Sampler, type SamplingParams } from './sampler.js';

export interface GenerateStep {
  /** Sequences that left since the last step (finished, cancelled, timed out): their caches are freed. */
  drop: number[];
  /** Sequences decoding this step, each fed the token sampled for it last. */
  decode: number[];
  /** The next chunk of one newcomer's prompt. */
  prefill?: {
    id: number;
    tokens: number[];
    /** The prompt's last chunk: sample the sequence's first token from it. */
    final: boolean;
    /** With the first chunk. */
    sampling?: SamplingParams;
  };
}

export interface GenerateStepResult {
  /** [sequence id, token] for every decoded sequence and a finished prefill. */
  tokens: [number, number][];
  kvBytes: number;
  computeMs: number;
}

type Feeds = Record<string, ort.Tensor>;

export class GenerationState {
  private readonly cache: KvCacheManager;
  private readonly samplers = new Map<number, Sampler>();
  private readonly lastTokens = new Map<number, number>();

  constructor(
    private readonly spec: DecoderSpec,
    private readonly session: ort.InferenceSession,
  ) {
    this.cache = new KvCacheManager(spec);
  }

  async step(step: GenerateStep): Promise<GenerateStepResult> {
    const started = performance.now();
    for (const id of step.drop) {
      this.cache.drop(id);
      this.samplers.delete(id);
      this.lastTokens.delete(id);
    }
    const tokens: [number, number][] = step.decode.length > 0 ? await this.decode(step.decode) : [];
    if (step.prefill) {
      const token = await this.prefill(step.prefill);
      if (token !== undefined) tokens.push([step.prefill.id, token]);
    }
    return { tokens, kvBytes: this.cache.bytes(), computeMs: performance.now() - started };
  }

  private ids(values: number[], dims: number[]): ort.Tensor {
    return this.spec.inputIdsType === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims)
      : new ort.Tensor('int32', Int32Array.from(values), dims);
  }

  private commonFeeds(feeds: Feeds, hasPast: boolean): void {
    if (this.spec.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', Uint8Array.of(hasPast ? 1 : 0), [1]);
    if (this.spec.logitsToKeepInput) feeds[this.spec.logitsToKeepInput] = new ort.Tensor('int64', BigInt64Array.of(1n), []);
  }

  private pastFeeds(feeds: Feeds, arrays: KvArray[], rows: number, pastLength: number): void {
    const dims = [rows, this.spec.kvHeads, pastLength, this.spec.headDim];
    this.spec.past.forEach((names, layer) => {
      feeds[names.key] = new ort.Tensor(this.spec.kvType, arrays[layer * 2]!, dims);
      feeds[names.value] = new ort.Tensor(this.spec.kvType, arrays[layer * 2 + 1]!, dims);
    });
  }

  private async run(feeds: Feeds): Promise<{ logits: ort.Tensor; present: KvArray[] }> {
    const names = [this.spec.logits, ...this.spec.present.flatMap((p) => [p.key, p.value])];
    const outputs = await this.session.run(feeds, names);
    const present = this.spec.present.flatMap((p) => [outputs[p.key]!.data as KvArray, outputs[p.value]!.data as KvArray]);
    return { logits: outputs[this.spec.logits]!, present };
  }

  /** The logits of the last position of `row` as float32 (a copy: penalties modify it). */
  private lastLogits(logits: ort.Tensor, row: number): Float32Array {
    const [, positions, vocab] = logits.dims as [number, number, number];
    const from = (row * positions + positions - 1) * vocab;
    if (logits.type === 'float16') return Float32Array.from((logits.data as Uint16Array).subarray(from, from + vocab), float16BitsToNumber);
    return (logits.data as Float32Array).slice(from, from + vocab);
  }

  private sampleFor(id: number, logits: ort.Tensor, row: number): number {
    const values = this.lastLogits(logits, row);
    const token = this.samplers.get(id)!.next(values, 0, values.length);
    this.lastTokens.set(id, token);
    return token;
  }

  private async decode(ids: number[]): Promise<[number, number][]> {
    const batch = this.cache.batchFor(ids);
    const rows = ids.length;
    const total = batch.pastLength + 1;
    const mask = new BigInt64Array(rows * total);
    const positions: number[] = [];
    ids.forEach((_, row) => {
      mask.fill(1n, row * total + batch.pads[row]!, (row + 1) * total);
      positions.push(batch.pastLength - batch.pads[row]!);
    });
    const feeds: Feeds = {
      input_ids: this.ids(
        ids.map((id) => this.lastTokens.get(id)!),
        [rows, 1],
      ),
    };
    if (this.spec.hasAttentionMask) feeds.attention_mask = new ort.Tensor('int64', mask, [rows, total]);
    if (this.spec.hasPositionIds) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from(positions, BigInt), [rows, 1]);
    this.pastFeeds(feeds, batch.arrays, rows, batch.pastLength);
    this.commonFeeds(feeds, true);
    const { logits, present } = await this.run(feeds);
    this.cache.advance(present);
    return ids.map((id, row) => [id, this.sampleFor(id, logits, row)]);
  }

  private async prefill(chunk: NonNullable<GenerateStep['prefill']>): Promise<number | undefined> {
    if (chunk.sampling) this.samplers.set(chunk.id, new Sampler(chunk.sampling));
    if (!this.samplers.has(chunk.id)) throw new Error(`sequence ${chunk.id} started without sampling parameters`);
    const past = this.cache.solo(chunk.id);
    const count = chunk.tokens.length;
    const total = past.length + count;
    const feeds: Feeds = { input_ids: this.ids(chunk.tokens, [1, count]) };
    if (this.spec.hasAttentionMask) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
    if (this.spec.hasPositionIds) {
      feeds.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: count }, (_, i) => BigInt(past.length + i)),
        [1, count],
      );
    }
    this.pastFeeds(feeds, past.arrays, 1, past.length);
    this.commonFeeds(feeds, past.length > 0);
    const { logits, present } = await this.run(feeds);
    this.cache.storeSolo(chunk.id, total, present);
    return chunk.final ? this.sampleFor(chunk.id, logits, 0) : undefined;
  }
}
