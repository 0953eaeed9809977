/**
 * The OpenAI-compatible API driven by the official `openai` client, with only baseURL and apiKey changed:
 * embeddings equal the V2 endpoint's for the same text, base64 decodes to the same floats, usage counts the
 * tokenizer's tokens, and errors come back in OpenAI's shape with SLUICE_ERR_* codes.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import OpenAI from 'openai';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWordPieceTokenizerConfig, buildWordPieceTokenizerJson } from '../demo/minilm-encoder.js';
import { writeEncoderModel } from './helpers/batching-models.js';
import { copyDemoModels, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

type Server = TestServer & { auth?: Record<string, string> };

const HIDDEN = 64;

describe('OpenAI-compatible embeddings with the official client', () => {
  let server: Server;
  let repository: { dir: string; remove(): void };
  let client: OpenAI;
  const auth = () => server.auth;
  const tokenizer = new Tokenizer(buildWordPieceTokenizerJson() as never, buildWordPieceTokenizerConfig() as never);
  const tokenCount = (text: string) => tokenizer.encode(text).ids.length;

  async function v2Embedding(text: string): Promise<number[]> {
    const response = await postJson(
      `${server.url}/v2/models/encoder/infer`,
      { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: [text] }] },
      auth(),
    );
    expect(response.status).toBe(200);
    return response.json.outputs[0].data;
  }

  beforeAll(async () => {
    repository = copyDemoModels(['sentiment']);
    writeEncoderModel(repository.dir, 'encoder', { hiddenSize: HIDDEN, dynamicBatching: { enabled: true, max_batch_size: 32 } });
    // The same encoder declared as Matryoshka-trained, so `dimensions` may shorten it.
    cpSync(path.join(repository.dir, 'encoder'), path.join(repository.dir, 'encoder-mrl'), { recursive: true });
    const mrlConfig = path.join(repository.dir, 'encoder-mrl', 'config.json');
    writeFileSync(mrlConfig, JSON.stringify({ ...JSON.parse(readFileSync(mrlConfig, 'utf8')), matryoshka_dimensions: [32, 16] }));
    server = await startTestServer({ models: repository.dir, workers: 2 });
    const bearer = auth().authorization ?? auth().Authorization;
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: bearer?.replace(/^Bearer\s+/i, '') ?? 'sk-no-auth-configured' });
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it('lists the ready models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['encoder', 'sentiment']));
    const one = await client.models.retrieve('encoder');
    expect(one).toMatchObject({ id: 'encoder', object: 'model', owned_by: 'sluice' });
  });

  it("returns the V2 endpoint's embedding for the same text, with usage in tokens", async () => {
    const text = 'Sluice serves open-weight models offline';
    const response = await client.embeddings.create({ model: 'encoder', input: text }); // the client asks for base64 and decodes it
    expect(response.object).toBe('list');
    expect(response.model).toBe('encoder');
    expect(response.data).toHaveLength(1);
    expect(response.data[0]!.index).toBe(0);
    const expected = await v2Embedding(text);
    expect(response.data[0]!.embedding).toHaveLength(HIDDEN);
    response.data[0]!.embedding.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    expect(response.usage).toEqual({ prompt_tokens: tokenCount(text), total_tokens: tokenCount(text) });
  });

  it('embeds an array of strings in order, as floats', async () => {
    const texts = ['first text', 'a second, somewhat longer text', 'third'];
    const response = await client.embeddings.create({ model: 'encoder', input: texts, encoding_format: 'float' });
    expect(response.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (let i = 0; i < texts.length; i++) {
      const expected = await v2Embedding(texts[i]!);
      response.data[i]!.embedding.forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 5));
    }
    const tokens = texts.reduce((sum, t) => sum + tokenCount(t), 0);
    expect(response.usage.prompt_tokens).toBe(tokens);
  });

  it('base64 decodes to exactly the float32 values of the float encoding', async () => {
    const body = { model: 'encoder', input: 'exact bits please' };
    const asFloat = await postJson(`${server.url}/v1/embeddings`, { ...body, encoding_format: 'float' }, auth());
    const asBase64 = await postJson(`${server.url}/v1/embeddings`, { ...body, encoding_format: 'base64' }, auth());
    expect(asBase64.status).toBe(200);
    const bytes = Buffer.from(asBase64.json.data[0].embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    expect(decoded).toEqual(asFloat.json.data[0].embedding);
    expect(decoded).toEqual(await v2Embedding(body.input));
  });

  it('accepts dimensions equal to the model width and refuses others with a clear 400', async () => {
    const same = await client.embeddings.create({ model: 'encoder', input: 'x', dimensions: HIDDEN });
    expect(same.data[0]!.embedding).toHaveLength(HIDDEN);
    const error = await client.embeddings.create({ model: 'encoder', input: 'x', dimensions: 16 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'SLUICE_ERR_BAD_REQUEST', param: 'dimensions', type: 'invalid_request_error' });
  });

  it('shortens Matryoshka embeddings to a declared width and renormalises them', async () => {
    const full = await client.embeddings.create({ model: 'encoder-mrl', input: 'a quiet river' });
    const short = await client.embeddings.create({ model: 'encoder-mrl', input: 'a quiet river', dimensions: 16 });
    const vector = short.data[0]!.embedding;
    expect(vector).toHaveLength(16);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    const head = full.data[0]!.embedding.slice(0, 16);
    const norm = Math.hypot(...head);
    vector.forEach((value, i) => expect(value).toBeCloseTo(head[i]! / norm, 5));
    const refused = await client.embeddings.create({ model: 'encoder-mrl', input: 'x', dimensions: 20 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, param: 'dimensions', message: expect.stringContaining(`${HIDDEN}, 32, 16`) });
  });

  it('reports who called in the inference.completed event (metering sees OpenAI traffic too)', async () => {
    const events: { keyId?: string; model: string }[] = [];
    const off = server.app.sluice.extensions.events.on('inference.completed', (event) => void events.push(event));
    await client.embeddings.create({ model: 'encoder', input: 'who am I' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    off();
    expect(events).toContainEqual(expect.objectContaining({ model: 'encoder', keyId: server.adminKeyId }));
  });

  it('lists to a model-limited key only the models it may use', async () => {
    const created = await postJson(`${server.url}/admin/keys`, { name: 'encoder-only', scopes: ['infer'], models: ['encoder'] }, auth());
    const limited = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: created.json.token });
    const ids = [];
    for await (const model of limited.models.list()) ids.push(model.id);
    expect(ids).toEqual(['encoder']);
  });

  it("answers an unknown model with 404 in OpenAI's error shape", async () => {
    const error = await client.embeddings.create({ model: 'no-such-model', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'SLUICE_ERR_MODEL_NOT_FOUND', param: 'model' });
  });

  it('refuses a model whose task is not text-embedding', async () => {
    const error = await client.embeddings.create({ model: 'sentiment', input: 'I love this' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'SLUICE_ERR_TASK_MISMATCH', param: 'model' });
    expect((error as Error).message).toMatch(/text-classification/);
  });

  it('refuses empty input, token arrays and a missing model with 400s naming the field', async () => {
    for (const input of ['', [] as string[], ['ok', '']]) {
      const error = await client.embeddings.create({ model: 'encoder', input }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 400, code: 'SLUICE_ERR_BAD_REQUEST', param: 'input' });
    }
    const tokens = await client.embeddings.create({ model: 'encoder', input: [[101, 7592, 102]] }).catch((e: unknown) => e);
    expect(tokens).toMatchObject({ status: 400, param: 'input' });
    expect((tokens as Error).message).toMatch(/token arrays are not supported/);

    const raw = await postJson(`${server.url}/v1/embeddings`, { input: 'x' }, auth());
    expect(raw.status).toBe(400);
    expect(raw.json).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: 'model', code: 'SLUICE_ERR_BAD_REQUEST' },
    });
  });

  it('documents the routes in /openapi.json', async () => {
    const spec = (await getJson(`${server.url}/openapi.json`, auth())).json;
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/models', '/v1/embeddings']));
  });
});
