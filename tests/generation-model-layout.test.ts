/**
 * The test decoders (demo/decoder/) are real: transformers.js loads each family's folder
 * unchanged and generates with it, and onnxruntime-node run directly shows the KV cache,
 * grouped-query attention and padding mask compute what a full forward pass computes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor, env, pipeline, type PreTrainedTokenizer } from '@huggingface/transformers';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DECODER_FAMILIES,
  buildTokenizerFiles,
  ensureDecoderModel,
  parameterCount,
  resolveDecoderSpec,
  smolLM2_135M,
  tinyDecoder,
  writeDecoderModel,
  type DecoderFamily,
  type WrittenDecoderModel,
} from '../demo/decoder/index.js';
import { DecoderOracle, argmax, maxAbsDifference } from './helpers/decoder-oracle.js';
import { countWeights, referenceLogits } from './helpers/decoder-reference.js';

const root = mkdtempSync(path.join(tmpdir(), 'sluice-decoders-'));
const written = new Map<string, WrittenDecoderModel>();
const readJson = (dir: string, file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

beforeAll(() => {
  env.allowRemoteModels = false;
  env.localModelPath = `${root}/`;
  for (const family of DECODER_FAMILIES) written.set(family, writeDecoderModel(path.join(root, family), tinyDecoder(family)));
  written.set('llama-external', writeDecoderModel(path.join(root, 'llama-external'), tinyDecoder('llama', { externalData: true })));
  written.set('qwen2-quantized', writeDecoderModel(path.join(root, 'qwen2-quantized'), tinyDecoder('qwen2', { quantized: true })));
  written.set(
    'llama-logits-to-keep',
    writeDecoderModel(path.join(root, 'llama-logits-to-keep'), tinyDecoder('llama', { logitsToKeep: true })),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONVERSATION = [{ role: 'user', content: 'What does a sluice gate do?' }];

async function chatPrompt(tokenizer: PreTrainedTokenizer): Promise<number[]> {
  const text = tokenizer.apply_chat_template(CONVERSATION, { tokenize: false, add_generation_prompt: true }) as string;
  return tokenizer.encode(text, { add_special_tokens: false });
}

/** transformers.js greedy generation: the new token ids. */
async function transformersGreedy(name: string, maxNewTokens: number, dtype: 'fp32' | 'q8' = 'fp32'): Promise<number[]> {
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForCausalLM.from_pretrained(name, { dtype });
  try {
    const prompt = await chatPrompt(tokenizer);
    const input_ids = new Tensor('int64', BigInt64Array.from(prompt.map(BigInt)), [1, prompt.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]);
    const output = (await model.generate({ input_ids, attention_mask, max_new_tokens: maxNewTokens, do_sample: false } as never)) as {
      tolist(): bigint[][];
    };
    return output.tolist()[0]!.slice(prompt.length).map(Number);
  } finally {
    await model.dispose();
  }
}

describe.each(DECODER_FAMILIES)('%s test decoder', (family: DecoderFamily) => {
  const dir = () => path.join(root, family);

  it('is a Hugging Face folder whose config.json matches the graph', async () => {
    const model = written.get(family)!;
    for (const file of model.files) expect(existsSync(path.join(dir(), file)), file).toBe(true);
    const config = readJson(dir(), 'config.json');
    expect(config.num_key_value_heads).toBeLessThan(config.num_attention_heads);
    expect(config.vocab_size).toBe(model.spec.vocab);
    expect(config.eos_token_id).toBe(model.tokens.eos);
    expect(readJson(dir(), 'tokenizer_config.json').chat_template).toContain('add_generation_prompt');

    const oracle = await DecoderOracle.load(dir());
    const { inputMetadata, outputMetadata } = oracle.session;
    const shapes = Object.fromEntries(
      [...inputMetadata, ...outputMetadata].map((m) => [m.name, m.isTensor ? (m.shape as (number | string)[]) : []]),
    );
    const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
    expect(shapes.input_ids).toEqual(['batch_size', 'sequence_length']);
    expect(shapes.attention_mask).toEqual(['batch_size', 'total_sequence_length']);
    expect(shapes.position_ids).toEqual(['batch_size', 'sequence_length']);
    expect(shapes.logits).toEqual(['batch_size', 'sequence_length', config.vocab_size]);
    for (let l = 0; l < config.num_hidden_layers; l++) {
      for (const kind of ['key', 'value']) {
        expect(shapes[`past_key_values.${l}.${kind}`]).toEqual(['batch_size', config.num_key_value_heads, 'past_sequence_length', headDim]);
        expect(shapes[`present.${l}.${kind}`]).toEqual(['batch_size', config.num_key_value_heads, 'total_sequence_length', headDim]);
      }
    }
    expect(oracle.session.inputNames).toHaveLength(3 + 2 * config.num_hidden_layers);
    await oracle.release();
    // The model card's parameter count is the weights the graph holds.
    expect(countWeights(dir())).toBe(model.parameters);
  });

  it('generates with transformers.js exactly as a KV-cache loop on onnxruntime-node does', async () => {
    const fromTransformers = await transformersGreedy(family, 16);
    const tokenizer = await AutoTokenizer.from_pretrained(family);
    const oracle = await DecoderOracle.load(dir());
    const fromOrt = await oracle.greedy(await chatPrompt(tokenizer), 16, written.get(family)!.tokens.stop);
    await oracle.release();
    expect(fromTransformers).toEqual(fromOrt);
    expect(fromTransformers.length).toBeGreaterThan(0);
    // Random weights, but not a degenerate model that repeats one token.
    expect(new Set(fromTransformers).size).toBeGreaterThanOrEqual(8);
  });

  it('computes what the architecture defines (an independent TypeScript forward pass from config.json and the weights)', async () => {
    const oracle = await DecoderOracle.load(dir());
    const ids = [5, 80, 300, 41, 17, 260, 99];
    const fromOnnx = await oracle.forward([ids], [ids.map(() => 1)]);
    const reference = referenceLogits(dir(), ids);
    for (let s = 0; s < ids.length; s++)
      expect(maxAbsDifference(oracle.row(fromOnnx, 0, s), reference[s]!), `position ${s}`).toBeLessThan(1e-4);
    await oracle.release();
  });

  it('gives the same logits in one pass as in a prefill plus steps with past_key_values', async () => {
    const oracle = await DecoderOracle.load(dir());
    const ids = [5, 80, 300, 41, 17, 260, 99, 3, 150, 77];
    const full = await oracle.forward([ids], [ids.map(() => 1)]);
    let step = await oracle.forward([ids.slice(0, 4)], [[1, 1, 1, 1]]);
    for (let s = 0; s < 4; s++) expect(maxAbsDifference(oracle.row(step, 0, s), oracle.row(full, 0, s))).toBeLessThan(1e-4);
    for (let s = 4; s < ids.length; s++) {
      step = await oracle.forward([[ids[s]!]], [new Array<number>(s + 1).fill(1)], step.cache);
      expect(maxAbsDifference(oracle.row(step, 0, 0), oracle.row(full, 0, s)), `position ${s}`).toBeLessThan(1e-4);
    }
    // Two tokens per step exercise a past length and a new length above 1 together.
    const chunked = await oracle.forward(
      [ids.slice(4, 6)],
      [new Array<number>(6).fill(1)],
      (await oracle.forward([ids.slice(0, 4)], [[1, 1, 1, 1]])).cache,
    );
    expect(maxAbsDifference(oracle.row(chunked, 0, 1), oracle.row(full, 0, 5))).toBeLessThan(1e-4);
    await oracle.release();
  });

  it('respects attention_mask: a left-padded batch row equals the row run alone, also after a cached step', async () => {
    const oracle = await DecoderOracle.load(dir());
    const pad = written.get(family)!.tokens.pad;
    const long = [12, 200, 33, 47, 310, 8];
    const short = [150, 61, 220];
    const padded = [...new Array<number>(long.length - short.length).fill(pad), ...short];
    const mask = [long.map(() => 1), padded.map((_, i) => (i < long.length - short.length ? 0 : 1))];
    const batch = await oracle.forward([long, padded], mask);
    const alone = [await oracle.forward([long], [mask[0]!]), await oracle.forward([short], [short.map(() => 1)])];
    expect(maxAbsDifference(oracle.row(batch, 0, long.length - 1), oracle.row(alone[0]!, 0, long.length - 1))).toBeLessThan(1e-4);
    expect(maxAbsDifference(oracle.row(batch, 1, long.length - 1), oracle.row(alone[1]!, 0, short.length - 1))).toBeLessThan(1e-4);

    const next = [argmax(oracle.row(alone[0]!, 0, long.length - 1)), argmax(oracle.row(alone[1]!, 0, short.length - 1))];
    const batchStep = await oracle.forward(
      [[next[0]!], [next[1]!]],
      mask.map((row) => [...row, 1]),
      batch.cache,
    );
    const longStep = await oracle.forward([[next[0]!]], [[...mask[0]!, 1]], alone[0]!.cache);
    const shortStep = await oracle.forward([[next[1]!]], [[...short.map(() => 1), 1]], alone[1]!.cache);
    expect(maxAbsDifference(oracle.row(batchStep, 0, 0), oracle.row(longStep, 0, 0))).toBeLessThan(1e-4);
    expect(maxAbsDifference(oracle.row(batchStep, 1, 0), oracle.row(shortStep, 0, 0))).toBeLessThan(1e-4);
    await oracle.release();
  });

  it('has a byte-level BPE tokenizer that both JS tokenizer libraries read alike and that round-trips UTF-8', async () => {
    const fromTransformers = await AutoTokenizer.from_pretrained(family);
    const plain = new Tokenizer(readJson(dir(), 'tokenizer.json'), readJson(dir(), 'tokenizer_config.json'));
    const texts = [
      'The server answers the question.',
      'Café crème, naïve façade',
      '日本語のテキスト',
      'emoji 🙂👍🏽 and 🇫🇷',
      '  spaces\tand\nnew lines  ',
    ];
    for (const text of texts) {
      const ids = plain.encode(text, { add_special_tokens: false }).ids;
      expect(fromTransformers.encode(text, { add_special_tokens: false })).toEqual(ids);
      expect(plain.decode(ids)).toBe(text);
      expect(fromTransformers.decode(ids)).toBe(text);
    }
    // Learned merges: frequent corpus words are single tokens.
    expect(plain.encode(' the', { add_special_tokens: false }).ids).toHaveLength(1);
    // Special tokens are atomic, and a chat prompt ends with the assistant's opening.
    const prompt = fromTransformers.apply_chat_template(CONVERSATION, { tokenize: false, add_generation_prompt: true }) as string;
    expect(prompt).toContain('What does a sluice gate do?');
    const eos = written.get(family)!.tokens.eos;
    expect(plain.encode(`x${fromTransformers.decode([eos])}`, { add_special_tokens: false }).ids.at(-1)).toBe(eos);
  });
});

describe('decoder variants', () => {
  it('loads with weights in onnx/model.onnx_data and computes the same tokens', async () => {
    const external = written.get('llama-external')!;
    expect(external.files).toContain('onnx/model.onnx_data');
    expect(readJson(external.dir, 'config.json')['transformers.js_config']).toEqual({ use_external_data_format: { 'model.onnx': 1 } });
    const inline = written.get('llama')!;
    expect(external.onnxBytes).toBeGreaterThan(inline.onnxBytes * 0.9);
    expect(await transformersGreedy('llama-external', 8)).toEqual(await transformersGreedy('llama', 8));
  });

  it('has an int8 onnx/model_quantized.onnx that transformers.js loads as dtype q8, close to the float model', async () => {
    const quantized = written.get('qwen2-quantized')!;
    const dir = quantized.dir;
    const floatBytes = statSync(path.join(dir, 'onnx', 'model.onnx')).size;
    // Matrices shrink to a quarter; the float embedding table (a large share of a tiny model) stays.
    expect(statSync(path.join(dir, 'onnx', 'model_quantized.onnx')).size).toBeLessThan(floatBytes * 0.7);
    const generated = await transformersGreedy('qwen2-quantized', 8, 'q8');
    expect(generated.length).toBeGreaterThan(0);

    const float = await DecoderOracle.load(dir);
    const int8 = new DecoderOracle(await ort.InferenceSession.create(path.join(dir, 'onnx', 'model_quantized.onnx')), float.shape);
    expect(int8.session.inputNames).toEqual(float.session.inputNames);
    const ids = [5, 80, 300, 41, 17, 260, 99];
    const [a, b] = [await float.forward([ids], [ids.map(() => 1)]), await int8.forward([ids], [ids.map(() => 1)])];
    // Quantization error is small next to the logits themselves (relative L2 below 10%)...
    let [diff, norm] = [0, 0];
    a.logits.forEach((v, i) => {
      diff += (v - b.logits[i]!) ** 2;
      norm += v * v;
    });
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.1);
    // ...but not zero: the int8 graph really is a different computation.
    expect(maxAbsDifference(a.logits, b.logits)).toBeGreaterThan(1e-4);
    await Promise.all([float.release(), int8.release()]);
  });

  it('takes num_logits_to_keep like transformers.js exports and generates the same tokens', async () => {
    const oracle = await DecoderOracle.load(written.get('llama-logits-to-keep')!.dir);
    expect(oracle.session.inputNames).toContain('num_logits_to_keep');
    await oracle.release();
    expect(await transformersGreedy('llama-logits-to-keep', 8)).toEqual(await transformersGreedy('llama', 8));
  });

  it('ensureDecoderModel reuses a finished folder with the same options and rebuilds on a change', () => {
    const dir = path.join(root, 'ensured');
    expect(ensureDecoderModel(dir, tinyDecoder('qwen2')).reused).toBe(false);
    const again = ensureDecoderModel(dir, tinyDecoder('qwen2'));
    expect(again.reused).toBe(true);
    expect(again.onnxBytes).toBe(written.get('qwen2')!.onnxBytes);
    expect(ensureDecoderModel(dir, tinyDecoder('qwen2', { seed: 8 })).reused).toBe(false);
    rmSync(path.join(dir, 'onnx', 'model.onnx'));
    expect(ensureDecoderModel(dir, tinyDecoder('qwen2', { seed: 8 })).reused).toBe(false);
  });

  it("runs in transformers.js's text-generation pipeline from chat messages", async () => {
    const generator = await pipeline('text-generation', 'qwen3', { dtype: 'fp32' });
    const [result] = (await generator(CONVERSATION, { max_new_tokens: 6, do_sample: false })) as {
      generated_text: { role: string; content: string }[];
    }[];
    expect(result!.generated_text.at(-1)!.role).toBe('assistant');
    expect(result!.generated_text).toHaveLength(CONVERSATION.length + 1);
    await generator.dispose();
  });

  it("smolLM2_135M preset has SmolLM2-135M's shape (checked without building it)", () => {
    const tokenizer = buildTokenizerFiles(smolLM2_135M.family, { merges: smolLM2_135M.merges!, vocabSize: smolLM2_135M.vocab });
    expect(tokenizer.vocabSize).toBe(49152);
    expect(tokenizer.idOf('<|im_end|>')).toBe(2);
    const spec = resolveDecoderSpec(smolLM2_135M, tokenizer.vocabSize);
    expect(spec).toMatchObject({
      layers: 30,
      hidden: 576,
      heads: 9,
      kvHeads: 3,
      headDim: 64,
      intermediate: 1536,
      ropeTheta: 100000,
      tieWordEmbeddings: true,
    });
    // Embeddings 49152 x 576 + 30 x (attention 884,736 + MLP 2,654,208 + norms 1,152) + final norm.
    expect(parameterCount(spec)).toBe(134_515_008);
  });

  it('rejects dimensions that do not fit together before building anything', () => {
    const dir = path.join(root, 'invalid');
    expect(() => writeDecoderModel(dir, tinyDecoder('llama', { kvHeads: 3 }))).toThrow(/multiple of kvHeads/);
    expect(() => writeDecoderModel(dir, tinyDecoder('llama', { headDim: 15 }))).toThrow(/even for RoPE/);
    expect(() => writeDecoderModel(dir, tinyDecoder('llama', { vocab: 100 }))).toThrow(/below the tokenizer/);
    expect(existsSync(dir)).toBe(false);
  });
});
