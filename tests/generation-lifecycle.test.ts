/**
 * A generation's life over real HTTP: a client that hangs up stops its generation and frees its slot within
 * a step; past the budget (batch rows, waiting room, context, KV-cache bytes) requests get a clear 503 or
 * 400; unsupported OpenAI parameters are refused, not ignored; `inference.completed` carries prompt and
 * completion tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceCompletedEvent } from '../packages/core/src/extensions.js';
import { metricValue, writeEndlessDecoder } from './helpers/generation-models.js';
import { openSse, type SseSession } from './helpers/sse-client.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

/** Waits until `condition` holds. */
const waitFor = (condition: () => Promise<boolean> | boolean, timeoutMs: number) =>
  until(async () => ((await condition()) ? true : undefined), timeoutMs);

describe('generation lifecycle', () => {
  let repository: string;
  let server: TestServer;
  const events: InferenceCompletedEvent[] = [];

  const metrics = async () => (await fetch(`${server.url}/metrics`, { headers: server.auth })).text();
  const labels = (model: string) => `model="${model}",version="1"`;
  const chatBody = (model: string, maxTokens: number, extra: object = {}) => ({
    model,
    messages: [{ role: 'user', content: 'Count for me.' }],
    max_tokens: maxTokens,
    temperature: 0,
    stream: true,
    ...extra,
  });

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-gen-life-'));
    writeEndlessDecoder(repository, 'endless');
    // 1 KB of KV cache per token (2 layers x key and value x 2 heads x 32 wide x 4 bytes): 1 MB holds 1024.
    writeEndlessDecoder(repository, 'narrow', 1, { headDim: 32 });
    writeFileSync(
      path.join(repository, 'narrow', 'config.json'),
      JSON.stringify({ generation: { max_sequences: 2, max_waiting: 1, kv_cache_mb: 1 } }),
    );
    server = await startTestServer(
      { models: repository, workers: 1 },
      {
        beforeListen: (app) =>
          app.sluice.extensions.events.on('inference.completed', (event) => {
            events.push(event);
          }),
      },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('a client that hangs up stops its generation and frees its slot', async () => {
    const stream = await openSse(`${server.url}/v1/chat/completions`, chatBody('endless', 1500), server.auth);
    expect(stream.status).toBe(200);
    for (let i = 0; i < 4; i++) expect(await stream.next()).toBeDefined();
    expect(metricValue(await metrics(), 'sluice_generation_running_sequences', labels('endless'))).toBe(1);
    const hungUpAt = Date.now();
    stream.abort();
    await waitFor(async () => metricValue(await metrics(), 'sluice_generation_running_sequences', labels('endless')) === 0, 5000);
    expect(Date.now() - hungUpAt).toBeLessThan(1000);
    const generated = metricValue(await metrics(), 'sluice_generation_tokens_total', labels('endless'));
    expect(generated).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(metricValue(await metrics(), 'sluice_generation_tokens_total', labels('endless'))).toBe(generated);
    // The tokens spent before the hang-up are still reported, for metering.
    const event = events.find((e) => e.model === 'endless' && e.status === 'failure')!;
    expect(event.completionTokens).toBe(generated);
    expect(event.promptTokens).toBeGreaterThan(0);
  });

  it("past the batch and the waiting room: 503 SLUICE_ERR_GENERATION_BUSY with Retry-After, in OpenAI's shape", async () => {
    const streams: SseSession[] = [];
    try {
      // Sent at once, so all three arrive before the scheduler's next turn: the two it will admit do not count
      // against the waiting room.
      const opened = await Promise.all(
        [0, 1, 2].map(() => openSse(`${server.url}/v1/chat/completions`, chatBody('narrow', 400), server.auth)),
      );
      streams.push(...opened);
      expect(opened.map((stream) => stream.status)).toEqual([200, 200, 200]);
      // Two run (rows), one waits: the fourth is refused at once.
      await waitFor(async () => metricValue(await metrics(), 'sluice_generation_waiting_sequences', labels('narrow')) === 1, 5000);
      const refused = await postJson(`${server.url}/v1/chat/completions`, { ...chatBody('narrow', 10), stream: false }, server.auth);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.json.error).toMatchObject({ code: 'SLUICE_ERR_GENERATION_BUSY', type: 'server_error' });
    } finally {
      for (const stream of streams) stream.abort();
    }
    await waitFor(async () => metricValue(await metrics(), 'sluice_generation_running_sequences', labels('narrow')) === 0, 5000);
  });

  it('a context or KV-cache budget overrun is a 400 before any work', async () => {
    const tooLong = await postJson(`${server.url}/v1/completions`, { model: 'endless', prompt: 'hi', max_tokens: 5000 }, server.auth);
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error.code).toBe('SLUICE_ERR_CONTEXT_TOO_LONG');
    // Within the context (2048) but not within narrow's 1 MB of KV cache (1024 tokens).
    const tooBig = await postJson(`${server.url}/v1/completions`, { model: 'narrow', prompt: 'hi', max_tokens: 1500 }, server.auth);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.error.code).toBe('SLUICE_ERR_CONTEXT_TOO_LONG');
  });

  it.each([
    ['n', { n: 2 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['logprobs', { logprobs: true }],
    ['response_format', { response_format: { type: 'json_object' } }],
    ['messages', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }],
  ])('unsupported %s is refused with a 400 naming it', async (param, extra) => {
    const response = await postJson(
      `${server.url}/v1/chat/completions`,
      { ...chatBody('endless', 5), stream: false, ...extra },
      server.auth,
    );
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'SLUICE_ERR_UNSUPPORTED_PARAMETER', param, type: 'invalid_request_error' });
  });

  it("bad values are 400s in OpenAI's shape, never 5xx", async () => {
    const cases = [
      { model: 'endless', messages: [] },
      { model: 'endless', messages: [{ role: 'tool', content: 'x' }] },
      { model: 'endless', messages: [{ role: 'user', content: 'x' }], temperature: 5 },
      { model: 'endless', messages: [{ role: 'user', content: 'x' }], stop: ['a', 'b', 'c', 'd', 'e'] },
      { model: 'endless', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } },
      { model: 'endless', messages: [{ role: 'user', content: 'x' }], max_tokens: 0 },
      { model: 'nope', messages: [{ role: 'user', content: 'x' }] },
    ];
    for (const body of cases) {
      const response = await postJson(`${server.url}/v1/chat/completions`, body, server.auth);
      expect([400, 404], JSON.stringify(body)).toContain(response.status);
      expect(response.json.error.code, JSON.stringify(body)).toMatch(/^SLUICE_ERR_/);
    }
  });

  it('a worker lost mid-stream ends the stream with SLUICE_ERR_WORKER_LOST, and the replacement serves the next', async () => {
    const stream = await openSse(`${server.url}/v1/chat/completions`, chatBody('endless', 1500), server.auth);
    for (let i = 0; i < 3; i++) expect(await stream.next()).toBeDefined();
    const pid = server.app.sluice.pool.health().workers[0]!.pid!;
    process.kill(pid, 'SIGKILL');
    const rest = await stream.rest();
    expect((rest[rest.length - 1] as { error?: { code: string } }).error?.code).toBe('SLUICE_ERR_WORKER_LOST');
    await waitFor(() => server.app.sluice.pool.health().healthy, 20_000);
    const after = await postJson(`${server.url}/v1/completions`, { model: 'endless', prompt: 'again', max_tokens: 5 }, server.auth);
    expect(after.status, after.text).toBe(200);
    expect(after.json.usage.completion_tokens).toBe(5);
  });

  it('inference.completed carries prompt and completion tokens', async () => {
    const response = await postJson(
      `${server.url}/v1/completions`,
      { model: 'endless', prompt: 'one two three', max_tokens: 7 },
      server.auth,
    );
    expect(response.status).toBe(200);
    await waitFor(() => events.some((e) => e.model === 'endless' && e.status === 'success' && e.completionTokens === 7), 2000);
    const event = events.find((e) => e.model === 'endless' && e.status === 'success' && e.completionTokens === 7)!;
    expect(event).toMatchObject({
      status: 'success',
      promptTokens: response.json.usage.prompt_tokens,
      completionTokens: 7,
      tokens: response.json.usage.prompt_tokens + 7,
      keyId: server.adminKeyId,
    });
  });
});
