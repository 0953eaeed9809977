/**
 * The graph builder the decoder blocks share: the demo's GraphBuilder plus seeded random
 * weights and de-duplicated small constants (axes, shapes, scalars).
 */
import { GraphBuilder } from "../onnx-builder.js";

export class DecoderGraphBuilder extends GraphBuilder {
  private readonly shared = new Map<string, string>();

  constructor(private readonly random: () => number) {
    super();
  }

  /**
   * A weight for `x @ W` ([inSize, outSize], the transpose of PyTorch's Linear layout), uniform
   * with variance 1/inSize: activations keep an O(1) scale through any number of layers.
   */
  matrix(name: string, inSize: number, outSize: number): string {
    return this.uniform(name, [inSize, outSize], Math.sqrt(3 / inSize));
  }

  /** A random tensor uniform in [center - spread, center + spread]. */
  uniform(name: string, dims: number[], spread: number, center = 0): string {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = center + (this.random() * 2 - 1) * spread;
    return this.constant(name, "float32", dims, values);
  }

  /** A float32 scalar, created once per value. */
  scalar(value: number): string {
    return this.once(`const.f32.${value}`, (name) => this.constant(name, "float32", [], [value]));
  }

  /** An int64 1-D constant (axes, shapes, split sizes), created once per value list. */
  ints(values: number[]): string {
    return this.once(`const.i64.${values.join("_")}`, (name) =>
      this.constant(name, "int64", [values.length], values.map((v) => BigInt(v))),
    );
  }

  /** An int64 scalar (Range bounds, Gather indices), created once per value. */
  int(value: number): string {
    return this.once(`const.i64s.${value}`, (name) => this.constant(name, "int64", [], [BigInt(value)]));
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
