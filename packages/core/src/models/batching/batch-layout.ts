/**
 * How requests join one ORT run: which requests may share a run (their key), how their feeds merge along
 * dim 0, and how the run's outputs split back. The exact-shape layout joins only tensors whose non-batch dims
 * are equal (texts are 1-D, so text requests always join; the worker pads them when it tokenizes).
 */
import type { Tensor } from '../tensors/tensor.js';
import { concatRows, sliceRows } from './tensor-rows.js';

/** One request's part of a batch. */
export interface BatchMember {
  feeds: Tensor[];
  /** Its size along dim 0. */
  rows: number;
}

export interface BatchLayout {
  /** Requests with equal keys can share a run (same inputs, datatypes, compatible dims, same outputs). */
  keyOf(feeds: Tensor[], outputNames: string[]): string;
  /** Whether a candidate may join members that already share its key (e.g. padding would cost too much). */
  accepts(members: readonly BatchMember[], candidate: BatchMember): boolean;
  merge(members: readonly BatchMember[]): Tensor[];
  /** Per member, its outputs in the order the run returned them. Throws when the outputs cannot be split. */
  split(outputs: Tensor[], members: readonly BatchMember[]): Tensor[][];
}

export class UnsplittableOutputError extends Error {}

function byName(a: Tensor, b: Tensor): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Merges each feed (by name, in the first member's order) with a tensor-level merge function. */
export function mergeByName(members: readonly BatchMember[], mergeOne: (parts: Tensor[]) => Tensor): Tensor[] {
  return members[0]!.feeds.map((feed) => mergeOne(members.map((m) => m.feeds.find((f) => f.name === feed.name)!)));
}

/** Checks every output carries one row per merged row, so it can be cut back into the members' pieces. */
export function assertRowsMatch(outputs: Tensor[], members: readonly BatchMember[]): number {
  const rows = members.reduce((sum, m) => sum + m.rows, 0);
  for (const output of outputs) {
    if (output.shape[0] !== rows)
      throw new UnsplittableOutputError(`output "${output.name}" has ${output.shape[0]} rows for a batch of ${rows}`);
  }
  return rows;
}

export const exactShapeLayout: BatchLayout = {
  keyOf(feeds, outputNames) {
    const inputs = [...feeds].sort(byName).map((f) => `${f.name}:${f.datatype}:${f.shape.slice(1).join('x')}`);
    return `${inputs.join(';')}|${outputNames.join(',')}`;
  },
  accepts: () => true,
  merge: (members) => mergeByName(members, concatRows),
  split(outputs, members) {
    assertRowsMatch(outputs, members);
    let start = 0;
    return members.map((member) => {
      const pieces = outputs.map((output) => sliceRows(output, start, member.rows));
      start += member.rows;
      return pieces;
    });
  },
};
