/**
 * A batch layout for tokenized text (text-embedding and text-classification models): requests whose token
 * sequences differ in length are padded to the longest one (pad id in input_ids, 0 in attention_mask and
 * token_type_ids) and outputs that carry the sequence axis are cut back to each request's own length.
 *
 * Why this is safe: the text tasks already pad rows of one request to a common length, so their models must
 * ignore positions whose attention_mask is 0; padding across requests is the same operation. Only used when
 * the graph's inputs are all token inputs and every output is [batch, fixed...] or [batch, sequence, fixed...].
 */
import { DATATYPES, elementCount, type NumericArray } from '../tensors/datatypes.js';
import type { ModelSignature, Tensor } from '../tensors/tensor.js';
import { assertRowsMatch, exactShapeLayout, mergeByName, type BatchLayout, type BatchMember } from './batch-layout.js';
import { concatRows, sliceRows } from './tensor-rows.js';

const TOKEN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
/** A merged run may hold at most this many times the real tokens; past it a request waits for another run. */
const MAX_PADDING_FACTOR = 2;

function sequenceLengthOf(member: BatchMember): number {
  return member.feeds[0]!.shape[1]!;
}

/** True when the graph looks like a tokenized-text model whose outputs we know how to un-pad. */
export function supportsSequencePadding(signature: ModelSignature): boolean {
  const inputsAreTokens = signature.inputs.length > 0 && signature.inputs.every((input) =>
    TOKEN_INPUTS.has(input.name) && input.shape.length === 2 && (input.datatype === 'INT64' || input.datatype === 'INT32'));
  const hasMask = signature.inputs.some((input) => input.name === 'attention_mask');
  const outputsKnown = signature.outputs.every((output) => {
    const rest = output.shape.slice(1);
    if (output.shape.length === 2) return rest[0]! > 0; // [batch, fixed]: e.g. logits or pooled vectors
    return output.shape.length >= 3 && rest[0] === -1 && rest.slice(1).every((d) => d > 0); // [batch, sequence, fixed...]
  });
  return inputsAreTokens && hasMask && outputsKnown;
}

function padFeed(parts: Tensor[], sequence: number, padValue: number): Tensor {
  const first = parts[0]!;
  const rows = parts.reduce((sum, t) => sum + t.shape[0]!, 0);
  const data = DATATYPES[first.datatype].allocate!(rows * sequence);
  const fill = first.datatype === 'INT64' ? BigInt(padValue) : padValue;
  (data as unknown as { fill(v: unknown): void }).fill(fill);
  let row = 0;
  for (const part of parts) {
    const length = part.shape[1]!;
    const source = part.data as NumericArray;
    for (let r = 0; r < part.shape[0]!; r++, row++) {
      (data as Float32Array).set((source as Float32Array).subarray(r * length, (r + 1) * length), row * sequence);
    }
  }
  return { name: first.name, datatype: first.datatype, shape: [rows, sequence], data };
}

/** Rows [start, start+count) of a [batch, padded, ...inner] output, cut to `length` positions per row. */
function unpadRows(output: Tensor, start: number, count: number, length: number): Tensor {
  const padded = output.shape[1]!;
  const inner = elementCount(output.shape.slice(2));
  const source = output.data as Float32Array;
  const data = DATATYPES[output.datatype].allocate!(count * length * inner) as Float32Array;
  for (let r = 0; r < count; r++) {
    const from = (start + r) * padded * inner;
    data.set(source.subarray(from, from + length * inner), r * length * inner);
  }
  return { name: output.name, datatype: output.datatype, shape: [count, length, ...output.shape.slice(2)], data };
}

export function sequencePaddingLayout(signature: ModelSignature, padTokenId: number): BatchLayout {
  const sequenceOutputs = new Set(signature.outputs.filter((o) => o.shape.length >= 3).map((o) => o.name));
  const padValueOf = (name: string) => (name === 'input_ids' ? padTokenId : 0);

  return {
    keyOf(feeds, outputNames) {
      // Sequence lengths are left out of the key: that is the point of padding.
      return `${[...feeds].map((f) => `${f.name}:${f.datatype}`).sort().join(';')}|${outputNames.join(',')}`;
    },
    accepts(members, candidate) {
      const all = [...members, candidate];
      const longest = all.reduce((longest, m) => Math.max(longest, sequenceLengthOf(m)), 0);
      const real = all.reduce((sum, m) => sum + m.rows * sequenceLengthOf(m), 0);
      const padded = all.reduce((sum, m) => sum + m.rows, 0) * longest;
      return padded <= MAX_PADDING_FACTOR * real;
    },
    merge(members) {
      const longest = members.reduce((longest, m) => Math.max(longest, sequenceLengthOf(m)), 0);
      if (members.every((m) => sequenceLengthOf(m) === longest)) return mergeByName(members, concatRows);
      return mergeByName(members, (parts) => padFeed(parts, longest, padValueOf(parts[0]!.name)));
    },
    split(outputs, members) {
      const longest = members.reduce((longest, m) => Math.max(longest, sequenceLengthOf(m)), 0);
      if (members.every((m) => sequenceLengthOf(m) === longest)) return exactShapeLayout.split(outputs, members);
      assertRowsMatch(outputs, members);
      let start = 0;
      return members.map((member) => {
        const length = sequenceLengthOf(member);
        const pieces = outputs.map((output) => (sequenceOutputs.has(output.name) && output.shape[1] === longest
          ? unpadRows(output, start, member.rows, length)
          : sliceRows(output, start, member.rows)));
        start += member.rows;
        return pieces;
      });
    },
  };
}
