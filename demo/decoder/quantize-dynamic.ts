/**
 * onnx/model_quantized.onnx: the float model with every weight MatMul rewritten into ONNX
 * Runtime's dynamic int8 quantization pattern (what its quantize_dynamic writes, and what
 * transformers.js loads for dtype "q8"):
 *
 *   DynamicQuantizeLinear(x) -> x_q uint8, x_scale, x_zero_point
 *   MatMulInteger(x_q, W_q int8, x_zero_point, 0) -> int32 -> Cast float -> × (x_scale · W_scale)
 *
 * Weights are quantized symmetrically per output column (zero point 0), so W ≈ W_q · W_scale[col].
 * The embedding table stays float (the tied LM head reads it through a Transpose, not an initializer).
 */
import { dataTypeOf, makeInitializer, makeNode, proto, type onnx } from '../onnx-builder.js';

function floatValues(tensor: onnx.ITensorProto): Float32Array {
  const raw = Uint8Array.from(tensor.rawData!); // copy: the bytes need 4-byte alignment
  return new Float32Array(raw.buffer);
}

/** Symmetric per-column int8: returns the int8 matrix and one scale per column. */
function quantizeColumns(values: Float32Array, rows: number, cols: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) scales[c] = Math.max(scales[c]!, Math.abs(values[r * cols + c]!));
  }
  for (let c = 0; c < cols; c++) scales[c] = scales[c]! / 127 || 1;
  const q = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(values[r * cols + c]! / scales[c]!);
  }
  return { q, scales };
}

/** A quantized copy of `model` (the input is not modified). */
export function quantizeDynamic(model: onnx.IModelProto): onnx.ModelProto {
  const graph = model.graph!;
  const weights = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const replaced = new Set<string>();
  const initializers: onnx.ITensorProto[] = [makeInitializer('quant.zero_int8', 'int8', [], [0])];
  const nodes: onnx.INodeProto[] = [];

  for (const node of graph.node ?? []) {
    const weight = node.opType === 'MatMul' ? weights.get(node.input![1]!) : undefined;
    if (!weight || weight.dims?.length !== 2 || weight.dataType !== proto.TensorProto.DataType.FLOAT) {
      nodes.push(node);
      continue;
    }
    const [rows, cols] = weight.dims.map(Number) as [number, number];
    const { q, scales } = quantizeColumns(floatValues(weight), rows, cols);
    const w = weight.name!;
    replaced.add(w);
    initializers.push(makeInitializer(`${w}_quantized`, 'int8', [rows, cols], q), makeInitializer(`${w}_scale`, 'float32', [cols], scales));

    const x = node.input![0]!;
    const out = node.output![0]!;
    const p = `${out}.quant`;
    nodes.push(
      makeNode('DynamicQuantizeLinear', [x], [`${p}.x_q`, `${p}.x_scale`, `${p}.x_zero_point`]),
      makeNode('MatMulInteger', [`${p}.x_q`, `${w}_quantized`, `${p}.x_zero_point`, 'quant.zero_int8'], [`${p}.int32`]),
      makeNode('Cast', [`${p}.int32`], [`${p}.float`], { to: dataTypeOf('float32') }),
      makeNode('Mul', [`${p}.x_scale`, `${w}_scale`], [`${p}.scale`]),
      makeNode('Mul', [`${p}.float`, `${p}.scale`], [out]),
    );
  }

  const kept = (graph.initializer ?? []).filter((t) => !replaced.has(t.name!));
  return proto.ModelProto.create({
    ...model,
    graph: { ...graph, node: nodes, initializer: [...kept, ...initializers] },
  });
}
