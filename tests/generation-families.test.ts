/**
 * Every decoder family's conventions (Llama/SmolLM, Qwen2, Qwen3, Phi-3, Gemma: biases, q/k norms, fused
 * projections, explicit head_dim, scaled embeddings, their chat templates) served as they are downloaded,
 * and answering like transformers.js greedy generate() — alone and two at once; plus the graph variant with
 * num_logits_to_keep, a folder holding only the int8 quantized variant, and a prompt prefilled in small chunks interleaved with running streams.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECODER_FAMILIES, tinyDecoder, writeDecoderModel, type DecoderFamily, type WrittenDecoderModel } from '../demo/decoder/index.js';
import { loadOracle, type Oracle } from './helpers/generation-oracle.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const LONG_PROMPT =
  'Once upon a time, in a village between two rivers, there lived a baker who rose before the sun every single day to make bread for everyone.';

describe('text generation across decoder families', () => {
  let repository: string;
  let server: TestServer;
  const models = new Map<string, { written: WrittenDecoderModel; oracle?: Oracle }>();

  function add(name: string, family: DecoderFamily, overrides: Parameters<typeof tinyDecoder>[1] = {}, sluiceConfig?: object) {
    const dir = path.join(repository, name, '1');
    const written = writeDecoderModel(dir, tinyDecoder(family, overrides));
    if (sluiceConfig) writeFileSync(path.join(repository, name, 'config.json'), JSON.stringify(sluiceConfig));
    models.set(name, { written });
  }

  async function oracleOf(name: string): Promise<Oracle> {
    const entry = models.get(name)!;
    entry.oracle ??= await loadOracle(path.join(repository, name, '1'), entry.written.tokens.stop, name === 'quantized' ? 'q8' : 'fp32');
    return entry.oracle;
  }

  async function chat(model: string, content: string, maxTokens: number) {
    const response = await postJson(
      `${server.url}/v1/chat/completions`,
      { model, messages: [{ role: 'user', content }], max_tokens: maxTokens, temperature: 0 },
      server.auth,
    );
    expect(response.status, response.text).toBe(200);
    return response.json as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number; prompt_tokens: number };
    };
  }

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-gen-families-'));
    mkdirSync(repository, { recursive: true });
    for (const family of DECODER_FAMILIES) add(family, family, { seed: 3 });
    add('keep-logits', 'qwen2', { logitsToKeep: true, seed: 5 });
    add('chunked', 'llama', { seed: 9 }, { generation: { prefill_chunk_tokens: 5 } });
    // A folder with only the int8 variant (onnx/model_quantized.onnx), as some repositories ship.
    add('quantized', 'qwen2', { seed: 13, quantized: true });
    rmSync(path.join(repository, 'quantized', '1', 'onnx', 'model.onnx'));
    server = await startTestServer({ models: repository, workers: 1 });
  }, 180_000);

  afterAll(async () => {
    for (const entry of models.values()) await entry.oracle?.dispose();
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it.each([...DECODER_FAMILIES, 'keep-logits', 'quantized'])('%s: alone and two at once, like transformers.js', async (name) => {
    const oracle = await oracleOf(name);
    const prompts = ['Hello, who are you?', 'Name a fruit that is yellow.'];
    const expected = await Promise.all(prompts.map((p, i) => oracle.chat([{ role: 'user', content: p }], 12 + i * 9)));
    const alone = await chat(name, prompts[0]!, 12);
    expect(alone.choices[0]!.message.content).toBe(expected[0]!.text);
    expect(alone.usage.prompt_tokens).toBe(expected[0]!.promptTokens);
    const together = await Promise.all(prompts.map((p, i) => chat(name, p, 12 + i * 9)));
    together.forEach((answer, i) => {
      expect(answer.choices[0]!.message.content).toBe(expected[i]!.text);
      expect(answer.usage.completion_tokens).toBe(expected[i]!.tokens.length);
    });
  });

  it('a long prompt prefilled in 5-token chunks while another stream runs gives the same tokens', async () => {
    const oracle = await oracleOf('chunked');
    const [long, short] = await Promise.all([oracle.complete(LONG_PROMPT, 10), oracle.chat([{ role: 'user', content: 'Hi' }], 30)]);
    const running = chat('chunked', 'Hi', 30);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const completion = await postJson(
      `${server.url}/v1/completions`,
      { model: 'chunked', prompt: LONG_PROMPT, max_tokens: 10, temperature: 0 },
      server.auth,
    );
    expect(completion.status, completion.text).toBe(200);
    expect(completion.json.choices[0].text).toBe(long.text);
    expect(long.promptTokens).toBeGreaterThan(15); // several chunks
    expect((await running).choices[0]!.message.content).toBe(short.text);
  });
});
