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
    expect(answer.usage).toEqual({
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.tokens.length,
      total_tokens: expected.promptTokens + expected.tokens.length,
    });
    expect(answer.choices[0]!.finish_reason).toBe(expected.stoppedOnEos ? 'stop' : 'length');
    expect(expected.tokens.length).toBeGreaterThan(3); // a real comparison, not two empty answers
  });

  it('one chat request, streamed, with usage', async () => {
    const messages = [
      { role: 'system' as const, content: 'Be brief.' },
      { role: 'user' as const, content: PROMPTS[1]! },
    ];
    const expected = await oracle.chat(messages, 30);
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages,
      max_completion_tokens: 30,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    let role: string | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      role ??= choice.delta.role;
      text += choice.delta.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
    expect(role).toBe('assistant');
    expect(text).toBe(expected.text);
    expect(finish).toBe(expected.stoppedOnEos ? 'stop' : 'length');
    expect(usage).toEqual({
      prompt_tokens: expected.promptTokens,
      completion_tokens: expected.tokens.length,
      total_tokens: expected.promptTokens + expected.tokens.length,
    });
  });

  it('completions, streamed and not', async () => {
    const expected = await oracle.complete(PROMPTS[2]!, 20);
    const whole = await client.completions.create({ model: 'tiny', prompt: PROMPTS[2]!, max_tokens: 20, temperature: 0 });
    expect(whole.choices[0]!.text).toBe(expected.text);
    expect(whole.usage?.completion_tokens).toBe(expected.tokens.length);
    expect(whole.usage?.prompt_tokens).toBe(expected.promptTokens);
    const stream = await client.completions.create({ model: 'tiny', prompt: PROMPTS[2]!, max_tokens: 20, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(expected.text);
  });

  it('concurrent requests share batches, joining and leaving mid-way, and each equals its lone greedy answer', async () => {
    const lengths = [40, 12, 28, 6, 33, 18];
    const expected = await Promise.all(PROMPTS.map((content, i) => oracle.chat([{ role: 'user', content }], lengths[i]!)));
    const before = await stepHistogram();
    // Three start at once; the others join while the first ones are streaming.
    const first = PROMPTS.slice(0, 3).map((content, i) => streamChat(content, lengths[i]!));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const later = PROMPTS.slice(3).map((content, i) => streamChat(content, lengths[i + 3]!));
    const answers = await Promise.all([...first, ...later]);
    answers.forEach((answer, i) => {
      expect(answer.text, `prompt ${i}`).toBe(expected[i]!.text);
      expect(answer.completionTokens, `prompt ${i}`).toBe(expected[i]!.tokens.length);
    });
    const after = await stepHistogram();
    // Some steps served more than one sequence: the requests really shared batches.
    expect(after.count - after.single - (before.count - before.single)).toBeGreaterThan(5);
  });

  async function streamChat(content: string, maxTokens: number): Promise<{ text: string; completionTokens: number }> {
    const stream = await client.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content }],
      max_tokens: maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let completionTokens = -1;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    return { text, completionTokens };
  }

  /** Steps of the tiny model's version so far, and how many served a single sequence. */
  async function stepHistogram(): Promise<{ count: number; single: number }> {
    const text = await (await fetch(`${server.url}/metrics`, { headers: server.auth })).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
    return {
      count: value(/^sluice_generation_step_sequences_count\{model="tiny",version="1"\} (\d+)/m),
      single: value(/^sluice_generation_step_sequences_bucket\{model="tiny",version="1",le="1"\} (\d+)/m),
    };
  }

  it('seeded sampling is reproducible', async () => {
    const ask = (seed: number) =>
      client.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: PROMPTS[3]! }],
        max_tokens: 16,
        temperature: 1.2,
        top_p: 0.95,
        seed,
      });
    const [a, b, c] = await Promise.all([ask(11), ask(11), ask(12)]);
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content);
    const others = await Promise.all([12, 13, 14].map(ask));
    expect([c, ...others].some((answer) => answer.choices[0]!.message.content !== a.choices[0]!.message.content)).toBe(true);
  });
});
