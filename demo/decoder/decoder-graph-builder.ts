/**
 * The graph builder the decoder blocks share: the demo's GraphBuilder plus seeded random
 * weights and de-duplicated small constants (axes, shapes, scalars).
 */
import { GraphBuilder } from '../onnx-builder.js';

export class DecoderGraphBuilder extends GraphBuilder {
  private readonly shared = new Map<string, string>();

  /** mulberry32's state, stepped inline in `uniform` (135M weights: a call per value costs seconds). */
  private state: number;

  constructor(seed: number) {
    super();
    this.state = seed >>> 0;
  }

  /**
   * A weight for `x @ W` ([inSize, outSize], the transpose of PyTorch's Linear layout), uniform
   * with variance scale²/inSize: scale 1 keeps activations O(1) through the projection.
   */
  matrix(name: string, inSize: number, outSize: number, scale = 1): string {
    return this.uniform(name, [inSize, outSize], scale * Math.sqrt(3 / inSize));
  }

  /**
   * One weight made of column blocks with their own scales, as a fused projection (Phi-3's
   * qkv_proj) holds separately initialised matrices side by side.
   */
  fusedMatrix(name: string, inSize: number, blocks: { width: number; scale: number }[]): string {
    const parts = blocks.map((b) => this.randomValues(inSize * b.width, b.scale * Math.sqrt(3 / inSize), 0));
    const outSize = blocks.reduce((sum, b) => sum + b.width, 0);
    const fused = new Float32Array(inSize * outSize);
    for (let row = 0; row < inSize; row++) {
      let column = row * outSize;
      blocks.forEach((b, i) => {
        fused.set(parts[i]!.subarray(row * b.width, (row + 1) * b.width), column);
        column += b.width;
      });
    }
    return this.constant(name, 'float32', [inSize, outSize], fused);
  }

  /** A random tensor uniform in [center - spread, center + spread]. */
  uniform(name: string, dims: number[], spread: number, center = 0): string {
    return this.constant(
      name,
      'float32',
      dims,
      this.randomValues(
        dims.reduce((a, b) => a * b, 1),
        spread,
        center,
      ),
    );
  }

  private randomValues(count: number, spread: number, center: number): Float32Array {
    const values = new Float32Array(count);
    let a = this.state;
    for (let i = 0; i < count; i++) {
      // mulberry32 (as demo/minilm-encoder.ts), giving a float in [0, 1).
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      values[i] = center + (unit * 2 - 1) * spread;
    }
    this.state = a;
    return values;
  }

  /** A float32 scalar, created once per value. */
  scalar(value: number): string {
    return this.once(`const.f32.${value}`, (name) => this.constant(name, 'float32', [], [value]));
  }

  /** An int64 1-D constant (axes, shapes, split sizes), created once per value list. */
  ints(values: number[]): string {
    return this.once(`const.i64.${values.join('_')}`, (name) =>
      this.constant(
        name,
        'int64',
        [values.length],
        values.map((v) => BigInt(v)),
      ),
    );
  }

  /** An int64 scalar (Range bounds, Gather indices), created once per value. */
  int(value: number): string {
    return this.once(`const.i64s.${value}`, (name) => this.constant(name, 'int64', [], [BigInt(value)]));
  }

  private once(name: string, create: (name: string) => string): string {
    let existing = this.shared.get(name);
    if (existing === undefined) {
      existing = create(name);
      this.shared.set(name, existing);
    }
    return existing;
  }
}
