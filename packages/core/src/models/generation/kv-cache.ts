/**
 * The KV-cache manager, inside the ORT worker process: each sequence's past keys and values stay here for
 * its whole life and never cross to the main thread. Decode steps run on one padded batch whose past
 * tensors are the previous step's `present` outputs, used as they are; only when the batch's membership
 * changes (a sequence joins after its prefill, or leaves) is the batch rebuilt: each row's real past is
 * copied right-aligned into new tensors sized to the longest row, so rows of different lengths are
 * left-padded (the attention mask zeroes the padding) and padding no row needs any more is dropped.
 */
import type { DecoderSpec } from './decoder-spec.js';

export type KvArray = Float32Array | Uint16Array;

/** One sequence's cache outside the batch (just prefilled): per past input, [1, heads, length, headDim]. */
interface SoloCache {
  length: number;
  arrays: KvArray[];
}

interface BatchCache {
  rows: number[];
  /** Past positions per row, padding included. */
  pastLength: number;
  /** Left padding per row. */
  pads: number[];
  /** Per past input (layer 0 key, layer 0 value, layer 1 key...): [rows, heads, pastLength, headDim]. */
  arrays: KvArray[];
}

export class KvCacheManager {
  private batch: BatchCache = { rows: [], pastLength: 0, pads: [], arrays: [] };
  private readonly solos = new Map<number, SoloCache>();
  private readonly tensorCount: number;
  /** Batch rows dropped since the last rebuild. */
  private readonly leaving = new Set<number>();

  constructor(private readonly spec: DecoderSpec) {
    this.tensorCount = spec.layers * 2;
    this.batch.arrays = this.emptyArrays(0);
  }

  private emptyArrays(elements: number): KvArray[] {
    return Array.from({ length: this.tensorCount }, () =>
      this.spec.kvType === 'float16' ? new Uint16Array(elements) : new Float32Array(elements),
    );
  }

  /**
   * Forgets a sequence (finished, cancelled). A batch row goes at the next decode step's rebuild (the step
   * names the rows it runs), so several leaving at once cost one rebuild.
   */
  drop(id: number): void {
    this.solos.delete(id);
    if (this.batch.rows.includes(id)) this.leaving.add(id);
    if (this.batch.rows.length > 0 && this.batch.rows.every((row) => this.leaving.has(row))) {
      this.batch = { rows: [], pastLength: 0, pads: [], arrays: this.emptyArrays(0) };
      this.leaving.clear();
    }
  }

  /** A prefilling sequence's cache so far (empty before its first chunk). */
  solo(id: number): SoloCache {
    return this.solos.get(id) ?? { length: 0, arrays: this.emptyArrays(0) };
  }

  storeSolo(id: number, length: number, arrays: KvArray[]): void {
    this.solos.set(id, { length, arrays });
  }

  /** The batch for a decode step over exactly `ids`, in that order (rebuilt if membership or order changed). */
  batchFor(ids: number[]): Readonly<BatchCache> {
    const same = ids.length === this.batch.rows.length && ids.every((id, i) => this.batch.rows[i] === id);
    if (!same) this.rebuild(ids);
    return this.batch;
  }

  /** After a decode step: `present` is the new past (one position longer for every row). */
  advance(present: KvArray[]): void {
    this.batch.pastLength += 1;
    this.batch.arrays = present;
  }

  /** Real past length of a sequence in the batch or prefilled. */
  lengthOf(id: number): number {
    const row = this.batch.rows.indexOf(id);
    if (row >= 0) return this.batch.pastLength - this.batch.pads[row]!;
    return this.solos.get(id)?.length ?? 0;
  }

  /** Bytes the caches hold now, padding included. */
  bytes(): number {
    const width = this.spec.kvType === 'float16' ? 2 : 4;
    let elements = 0;
    for (const array of this.batch.arrays) elements += array.length;
    for (const solo of this.solos.values()) for (const array of solo.arrays) elements += array.length;
    return elements * width;
  }

  private rebuild(ids: number[]): void {
    const { kvHeads: heads, headDim } = this.spec;
    const old = this.batch;
    const sources = ids.map((id) => {
      const row = old.rows.indexOf(id);
      if (row >= 0) return { length: old.pastLength - old.pads[row]!, row };
      const solo = this.solos.get(id);
      if (!solo) throw new Error(`sequence ${id} has no KV cache in this worker`);
      return { length: solo.length, solo };
    });
    const pastLength = sources.reduce((max, s) => Math.max(max, s.length), 0);
    const arrays = this.emptyArrays(ids.length * heads * pastLength * headDim);
    for (let t = 0; t < this.tensorCount; t++) {
      const target = arrays[t]!;
      sources.forEach((source, row) => {
        const span = source.length * headDim;
        for (let head = 0; head < heads; head++) {
          const to = ((row * heads + head) * pastLength + (pastLength - source.length)) * headDim;
          const from = source.solo
            ? head * source.length * headDim
            : ((source.row! * heads + head) * old.pastLength + old.pads[source.row!]!) * headDim;
          const array = source.solo ? source.solo.arrays[t]! : old.arrays[t]!;
          target.set(array.subarray(from, from + span), to);
        }
      });
    }
    for (const id of ids) this.solos.delete(id);
    this.leaving.clear();
    this.batch = { rows: [...ids], pastLength, pads: sources.map((s) => pastLength - s.length), arrays };
  }
}
