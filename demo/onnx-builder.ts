/**
 * Small helpers to build ONNX models in code with onnx-proto (protobufjs static code).
 *
 * Used by the demo repository builder and by tests that need models with a known
 * signature and known weights (hot-swap versions, encoder-shaped load generators).
 * Only what those callers need: dense tensors, the common attribute kinds, one graph.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

// onnx-proto is CommonJS (`module.exports = $root`), so Node's ESM loader offers no named
// export: take the runtime namespace from the default import, the types from `import type`.
export const proto: typeof onnx = onnxProto.onnx;
export type { onnx };

/** Element types we build models with (ORT/Open Inference Protocol names in lower case). */
export type ElementType =
  'float32' | 'float64' | 'float16' | 'int32' | 'int64' | 'int16' | 'int8' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool' | 'string';

const DATA_TYPE: Record<ElementType, number> = {
  float32: proto.TensorProto.DataType.FLOAT,
  float64: proto.TensorProto.DataType.DOUBLE,
  int32: proto.TensorProto.DataType.INT32,
  int64: proto.TensorProto.DataType.INT64,
  bool: proto.TensorProto.DataType.BOOL,
  uint8: proto.TensorProto.DataType.UINT8,
  int8: proto.TensorProto.DataType.INT8,
  int16: proto.TensorProto.DataType.INT16,
  uint16: proto.TensorProto.DataType.UINT16,
  uint32: proto.TensorProto.DataType.UINT32,
  uint64: proto.TensorProto.DataType.UINT64,
  float16: proto.TensorProto.DataType.FLOAT16,
  string: proto.TensorProto.DataType.STRING,
};

/** ONNX TensorProto.DataType code for an element type (e.g. for Cast's `to`). */
export function dataTypeOf(type: ElementType): number {
  return DATA_TYPE[type];
}

/** A dimension: a fixed size, a symbolic name ("batch"), or null for an anonymous dynamic one. */
export type Dim = number | string | null;

export function makeTensorValueInfo(name: string, type: ElementType, shape: Dim[]): onnx.IValueInfoProto {
  const dim = shape.map((d): onnx.TensorShapeProto.IDimension =>
    typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {},
  );
  return { name, type: { tensorType: { elemType: DATA_TYPE[type], shape: { dim } } } };
}

/** Wraps a number so makeNode encodes it as a FLOAT attribute (plain numbers become INT). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
export class FloatsAttr {
  constructor(readonly value: number[]) {}
}
export const float = (value: number): FloatAttr => new FloatAttr(value);
export const floats = (value: number[]): FloatsAttr => new FloatsAttr(value);

export type AttributeValue = number | number[] | string | FloatAttr | FloatsAttr | onnx.ITensorProto;

function makeAttribute(name: string, value: AttributeValue): onnx.IAttributeProto {
  const T = proto.AttributeProto.AttributeType;
  if (value instanceof FloatAttr) return { name, type: T.FLOAT, f: value.value };
  if (value instanceof FloatsAttr) return { name, type: T.FLOATS, floats: value.value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use float(${value}) for a FLOAT attribute`);
    return { name, type: T.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.TENSOR, t: value };
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue> = {},
  name = `${opType}_${outputs[0]}`,
): onnx.INodeProto {
  const attribute = Object.entries(attributes).map(([key, value]) => makeAttribute(key, value));
  return { opType, input: inputs, output: outputs, attribute, name };
}

type TensorValues = ArrayLike<number> | ArrayLike<bigint> | ArrayLike<boolean>;

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Little-endian raw bytes (ONNX raw_data is little-endian whatever the host). */
function toRawData(type: ElementType, values: TensorValues): Uint8Array {
  // Large weights (a 135M-parameter decoder) arrive as Float32Array: reuse their bytes instead of
  // writing them one DataView call at a time.
  if (type === 'float32' && values instanceof Float32Array && HOST_IS_LITTLE_ENDIAN) {
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }
  const n = values.length;
  const widths: Partial<Record<ElementType, number>> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1, uint8: 1, int8: 1 };
  const width = widths[type];
  if (width === undefined) throw new Error(`initializers of type ${type} are not supported by this builder`);
  const view = new DataView(new ArrayBuffer(n * width));
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (type) {
      case 'float32':
        view.setFloat32(i * 4, Number(v), true);
        break;
      case 'float64':
        view.setFloat64(i * 8, Number(v), true);
        break;
      case 'int32':
        view.setInt32(i * 4, Number(v), true);
        break;
      case 'int64':
        view.setBigInt64(i * 8, BigInt(v as number | bigint), true);
        break;
      case 'bool':
        view.setUint8(i, v ? 1 : 0);
        break;
      case 'uint8':
        view.setUint8(i, Number(v));
        break;
      case 'int8':
        view.setInt8(i, Number(v));
        break;
    }
  }
  return new Uint8Array(view.buffer);
}

/** A dense constant tensor (graph initializer, or the `value` of a Constant node). */
export function makeInitializer(name: string, type: ElementType, dims: number[], values: TensorValues): onnx.ITensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new Error(`initializer ${name}: ${values.length} values for shape [${dims.join(',')}]`);
  }
  return { name, dims, dataType: DATA_TYPE[type], rawData: toRawData(type, values) };
}

export interface ModelSpec {
  name: string;
  nodes: onnx.INodeProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  initializers?: onnx.ITensorProto[];
  docString?: string;
  /** Free-form key/values stored in ModelProto.metadata_props (ORT exposes them as custom metadata). */
  metadata?: Record<string, string>;
  /** Default opset is 17 (supported by every onnxruntime release since 1.14). */
  opset?: number;
  /** Default IR version 8, the newest onnx-proto knows (ONNX 1.10). */
  irVersion?: number;
  modelVersion?: number;
}

export function makeModel(spec: ModelSpec): onnx.ModelProto {
  return proto.ModelProto.create({
    irVersion: spec.irVersion ?? 8,
    opsetImport: [{ domain: '', version: spec.opset ?? 17 }],
    producerName: 'sluice-demo',
    producerVersion: '1',
    modelVersion: spec.modelVersion ?? 1,
    docString: spec.docString ?? '',
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: spec.name,
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers ?? [],
    },
  });
}

/** Encodes a model to the bytes of a .onnx file. */
export function serialize(model: onnx.IModelProto): Uint8Array {
  return proto.ModelProto.encode(model).finish();
}

/**
 * Collects nodes and initializers while a graph is described top to bottom; `op` returns the
 * output name so calls nest like the expressions they build. Model builders extend it with
 * their own blocks (the MiniLM-shaped encoder, the decoders in demo/decoder/).
 */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];

  constant(name: string, type: 'float32' | 'int64', dims: number[], values: ArrayLike<number> | ArrayLike<bigint>): string {
    this.initializers.push(makeInitializer(name, type, dims, values));
    return name;
  }
  op(opType: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    this.nodes.push(makeNode(opType, inputs, [output], attributes));
    return output;
  }
  /** An op with several outputs (Split): returns their names in order. */
  ops(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}): string[] {
    this.nodes.push(makeNode(opType, inputs, outputs, attributes));
    return outputs;
  }
}
