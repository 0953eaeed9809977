/**
 * Rotary position embeddings, HF Llama's "rotate half" convention: the head dimension is two
 * halves, and position p rotates pair (x[i], x[i + d/2]) by angle p / theta^(2i/d).
 */
import { dataTypeOf } from '../onnx-builder.js';
import type { DecoderGraphBuilder } from './decoder-graph-builder.js';

export interface RopeTables {
  /** cos and sin of the angles, [batch, 1, sequence, head_dim] (broadcast over heads). */
  cos: string;
  sin: string;
  headDim: number;
}

/** cos/sin tables from `position_ids`, computed once and shared by every layer. */
export function ropeTables(g: DecoderGraphBuilder, headDim: number, theta: number): RopeTables {
  const half = headDim / 2;
  const inverseFrequencies = new Float32Array(half);
  for (let i = 0; i < half; i++) inverseFrequencies[i] = 1 / Math.pow(theta, (2 * i) / headDim);
  const invFreq = g.constant('rope.inv_freq', 'float32', [half], inverseFrequencies);

  const positions = g.op('Cast', ['position_ids'], 'rope.positions', { to: dataTypeOf('float32') });
  const column = g.op('Unsqueeze', [positions, g.ints([-1])], 'rope.positions_column'); // [batch, seq, 1]
  const angles = g.op('Mul', [column, invFreq], 'rope.angles'); // [batch, seq, d/2]
  const both = g.op('Concat', [angles, angles], 'rope.angles_full', { axis: -1 }); // [batch, seq, d]
  const perHead = g.op('Unsqueeze', [both, g.ints([1])], 'rope.angles_per_head'); // [batch, 1, seq, d]
  return {
    cos: g.op('Cos', [perHead], 'rope.cos'),
    sin: g.op('Sin', [perHead], 'rope.sin'),
    headDim,
  };
}

/** x * cos + rotate_half(x) * sin for x [batch, heads, seq, head_dim]; rotate_half = cat(-x2, x1). */
export function applyRope(g: DecoderGraphBuilder, prefix: string, x: string, tables: RopeTables): string {
  const half = tables.headDim / 2;
  const [x1, x2] = g.ops('Split', [x, g.ints([half, half])], [`${prefix}.x1`, `${prefix}.x2`], { axis: -1 }) as [string, string];
  const rotated = g.op('Concat', [g.op('Neg', [x2], `${prefix}.neg_x2`), x1], `${prefix}.rotated`, { axis: -1 });
  return g.op(
    'Add',
    [g.op('Mul', [x, tables.cos], `${prefix}.x_cos`), g.op('Mul', [rotated, tables.sin], `${prefix}.rotated_sin`)],
    `${prefix}.out`,
  );
}
