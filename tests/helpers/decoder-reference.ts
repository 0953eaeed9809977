/**
 * A plain TypeScript forward pass written from the Hugging Face modeling code's definitions
 * (LlamaRMSNorm, rotate_half RoPE, repeat_kv, SwiGLU; Qwen2's q/k/v biases, Qwen3's q_norm/k_norm,
 * Phi-3's fused projections, Gemma's sqrt(hidden) embedding scale, (1 + weight) norms and tanh
 * GELU). It reads only config.json and the weights from onnx/model.onnx, never the graph, so it
 * checks that the ONNX graph computes the architecture it claims. Float64, one sequence, no cache.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { proto } from '../../demo/onnx-builder.js';

type Vector = Float64Array;

interface Weights {
  get(name: string): Float32Array;
  has(name: string): boolean;
}

function loadWeights(onnxPath: string): Weights {
  const model = proto.ModelProto.decode(readFileSync(onnxPath));
  const tensors = new Map<string, Float32Array>();
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataType !== proto.TensorProto.DataType.FLOAT || !t.rawData?.length) continue;
    const bytes = Uint8Array.from(t.rawData); // copy: raw_data need not be 4-byte aligned
    tensors.set(t.name!, new Float32Array(bytes.buffer));
  }
  return {
    has: (name) => tensors.has(name),
    get: (name) => {
      const tensor = tensors.get(name);
      if (!tensor) throw new Error(`no weight ${name}`);
      return tensor;
    },
  };
}

/** Float weights of the model's named parameters (model.*, lm_head.*), not the graph's constants. */
export function countWeights(dir: string): number {
  const model = proto.ModelProto.decode(readFileSync(path.join(dir, 'onnx', 'model.onnx')));
  let count = 0;
  for (const t of model.graph?.initializer ?? []) {
    if (/^(model|lm_head)\./.test(t.name ?? '')) count += (t.dims ?? []).reduce<number>((a, b) => a * Number(b), 1);
  }
  return count;
}

/** x @ W for W stored [in, out] row-major (the ONNX MatMul layout). */
function matmul(x: ArrayLike<number>, w: Float32Array, inSize: number, outSize: number, columnOffset = 0, rowWidth = outSize): Vector {
  const out = new Float64Array(outSize);
  for (let i = 0; i < inSize; i++) {
    const xi = x[i]!;
    const row = i * rowWidth + columnOffset;
    for (let j = 0; j < outSize; j++) out[j]! += xi * w[row + j]!;
  }
  return out;
}

function rmsNorm(x: Vector, weight: Float32Array, eps: number, plusOne: boolean): Vector {
  let meanSquare = 0;
  for (const v of x) meanSquare += v * v;
  const inv = 1 / Math.sqrt(meanSquare / x.length + eps);
  return x.map((v, i) => v * inv * (plusOne ? 1 + weight[i]! : weight[i]!));
}

/** HF's apply_rotary_pos_emb: x * cos + rotate_half(x) * sin, rotate_half(x) = cat(-x2, x1). */
function rope(x: Vector, position: number, theta: number): Vector {
  const d = x.length;
  const half = d / 2;
  const out = new Float64Array(d);
  for (let i = 0; i < half; i++) {
    const angle = position / Math.pow(theta, (2 * i) / d);
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    out[i] = x[i]! * cos - x[i + half]! * sin;
    out[i + half] = x[i + half]! * cos + x[i]! * sin;
  }
  return out;
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const geluTanh = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** Logits [position][vocab] for `ids` at positions 0..n-1. */
export function referenceLogits(dir: string, ids: number[]): Vector[] {
  const c = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const w = loadWeights(path.join(dir, 'onnx', 'model.onnx'));
  const type: string = c.model_type;
  const hidden: number = c.hidden_size;
  const heads: number = c.num_attention_heads;
  const kvHeads: number = c.num_key_value_heads;
  const vocab: number = c.vocab_size;
  const headDim: number = c.head_dim ?? hidden / heads;
  const inter: number = c.intermediate_size;
  const gemma = type === 'gemma';
  const norm = (x: Vector, name: string) => rmsNorm(x, w.get(`${name}.weight`), c.rms_norm_eps, gemma);
  const act = c.hidden_act === 'silu' ? silu : geluTanh;

  const embeddings = w.get('model.embed_tokens.weight');
  let xs = ids.map((id) =>
    Float64Array.from(embeddings.subarray(id * hidden, (id + 1) * hidden), (v) => (gemma ? v * Math.sqrt(hidden) : v)),
  );

  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const keys: Vector[][] = [];
    const values: Vector[][] = [];
    const queries: Vector[][] = [];
    xs.forEach((x, position) => {
      const h = norm(x, `${p}.input_layernorm`);
      const project = (name: 'q' | 'k' | 'v', width: number, offset: number): Vector => {
        if (type === 'phi3')
          return matmul(h, w.get(`${p}.self_attn.qkv_proj.weight`), hidden, width, offset, (heads + 2 * kvHeads) * headDim);
        const out = matmul(h, w.get(`${p}.self_attn.${name}_proj.weight`), hidden, width);
        if (type === 'qwen2') out.forEach((_, i) => (out[i]! += w.get(`${p}.self_attn.${name}_proj.bias`)[i]!));
        return out;
      };
      const q = project('q', heads * headDim, 0);
      const k = project('k', kvHeads * headDim, heads * headDim);
      const v = project('v', kvHeads * headDim, (heads + kvHeads) * headDim);
      const split = (vec: Vector, n: number, normName?: string) =>
        Array.from({ length: n }, (_, i) => {
          const head = vec.slice(i * headDim, (i + 1) * headDim);
          return normName ? norm(head, `${p}.self_attn.${normName}`) : head;
        });
      queries.push(split(q, heads, type === 'qwen3' ? 'q_norm' : undefined).map((x) => rope(x, position, c.rope_theta)));
      keys.push(split(k, kvHeads, type === 'qwen3' ? 'k_norm' : undefined).map((x) => rope(x, position, c.rope_theta)));
      values.push(split(v, kvHeads));
    });

    xs = xs.map((x, s) => {
      const context = new Float64Array(heads * headDim);
      for (let h = 0; h < heads; h++) {
        const kv = Math.floor(h / (heads / kvHeads)); // repeat_kv: query head h reads KV head h // group
        const scores = Array.from({ length: s + 1 }, (_, t) => {
          let dot = 0;
          for (let i = 0; i < headDim; i++) dot += queries[s]![h]![i]! * keys[t]![kv]![i]!;
          return dot / Math.sqrt(headDim);
        });
        const max = Math.max(...scores);
        const exps = scores.map((v) => Math.exp(v - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, t) => {
          for (let i = 0; i < headDim; i++) context[h * headDim + i]! += (e / sum) * values[t]![kv]![i]!;
        });
      }
      const attended = matmul(context, w.get(`${p}.self_attn.o_proj.weight`), heads * headDim, hidden);
      const afterAttention = x.map((v, i) => v + attended[i]!);
      const h2 = norm(afterAttention, `${p}.post_attention_layernorm`);
      const [gate, up] =
        type === 'phi3'
          ? [
              matmul(h2, w.get(`${p}.mlp.gate_up_proj.weight`), hidden, inter, 0, 2 * inter),
              matmul(h2, w.get(`${p}.mlp.gate_up_proj.weight`), hidden, inter, inter, 2 * inter),
            ]
          : [matmul(h2, w.get(`${p}.mlp.gate_proj.weight`), hidden, inter), matmul(h2, w.get(`${p}.mlp.up_proj.weight`), hidden, inter)];
      const mixed = matmul(
        gate.map((g, i) => act(g) * up[i]!),
        w.get(`${p}.mlp.down_proj.weight`),
        inter,
        hidden,
      );
      return afterAttention.map((v, i) => v + mixed[i]!);
    });
  }

  return xs.map((x) => {
    const h = norm(x, 'model.norm');
    if (!c.tie_word_embeddings) return matmul(h, w.get('lm_head.weight'), hidden, vocab);
    return Float64Array.from({ length: vocab }, (_, v) => {
      let dot = 0;
      for (let i = 0; i < hidden; i++) dot += h[i]! * embeddings[v * hidden + i]!;
      return dot;
    });
  });
}
