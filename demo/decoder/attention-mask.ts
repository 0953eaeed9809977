/**
 * The additive attention bias every layer shares: a key is visible to a query when it is not
 * padding (attention_mask 1) and not in the future. Positions are indices into the cache
 * (past + current), as in HF's causal mask, so a left-padded row works like an unpadded one.
 */
import { dataTypeOf } from '../onnx-builder.js';
import type { DecoderGraphBuilder } from './decoder-graph-builder.js';

/** Large and finite: a query whose keys are all padding gets uniform weights, not NaN. */
const MASKED = -1e9;

/** [batch, 1, 1, sequence, total] — broadcast over KV heads and the query heads per KV head. */
export function causalPaddingBias(g: DecoderGraphBuilder): string {
  const total = g.op('Gather', [g.op('Shape', ['attention_mask'], 'mask.shape'), g.int(1)], 'mask.total_length', { axis: 0 });
  const current = g.op('Gather', [g.op('Shape', ['input_ids'], 'mask.ids_shape'), g.int(1)], 'mask.sequence_length', { axis: 0 });
  const past = g.op('Sub', [total, current], 'mask.past_length');
  const queryPositions = g.op('Range', [past, total, g.int(1)], 'mask.query_positions'); // [seq]
  const keyPositions = g.op('Range', [g.int(0), total, g.int(1)], 'mask.key_positions'); // [total]
  const causal = g.op(
    'LessOrEqual',
    [g.op('Unsqueeze', [keyPositions, g.ints([0])], 'mask.key_row'), g.op('Unsqueeze', [queryPositions, g.ints([1])], 'mask.query_column')],
    'mask.causal',
  ); // [seq, total]
  const notPadding = g.op('Cast', [g.op('Unsqueeze', ['attention_mask', g.ints([1, 2, 3])], 'mask.padding_5d')], 'mask.not_padding', {
    to: dataTypeOf('bool'),
  }); // [batch, 1, 1, 1, total]
  const visible = g.op('And', [causal, notPadding], 'mask.visible');
  return g.op('Where', [visible, g.scalar(0), g.scalar(MASKED)], 'mask.bias');
}
