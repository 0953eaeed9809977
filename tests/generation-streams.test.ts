/**
 * Streams over real HTTP against the server's clocks and swaps: the request timeout ends a stream with a
 * last error event and frees its slot; a hot swap during a stream lets it finish on the version it started
 * on while new requests go to the new one; Triton's generate and generate_stream answer like
 * transformers.js.
 */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyDecoder, writeDecoderModel } from '../demo/decoder/index.js';
import { loadOracle, type Oracle } from './helpers/generation-oracle.js';
import { metricValue, writeEndlessDecoder } from './helpers/generation-models.js';
import { openSse } from './helpers/sse-client.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

const waitFor = (condition: () => Promise<boolean> | boolean, timeoutMs: number) =>
  until(async () => ((await condition()) ? true : undefined), timeoutMs);
/** Slow enough per step that a stream of a thousand tokens lasts seconds. */
const SLOW = { layers: 6, hidden: 256, heads: 8, kvHeads: 2, headDim: 32, intermediate: 768 };

describe('generation streams: timeout', () => {
  let repository: string;
  let server: TestServer;

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-gen-timeout-'));
    writeEndlessDecoder(repository, 'endless', 1, SLOW);
    server = await startTestServer({ models: repository, workers: 1, requestTimeoutMs: 700 });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('ends a stream at the request timeout with an error event, and frees its slot', async () => {
    const started = Date.now();
    const stream = await openSse(
      `${server.url}/v1/chat/completions`,
      { model: 'endless', messages: [{ role: 'user', content: 'Go on.' }], max_tokens: 1900, stream: true },
      server.auth,
    );
    const events = await stream.rest();
    expect(Date.now() - started).toBeLessThan(3000);
    const last = events[events.length - 1] as { error?: { code: string } };
    expect(last.error?.code).toBe('SLUICE_ERR_REQUEST_TIMEOUT');
    expect(events).not.toContain('[DONE]');
    const metrics = async () => (await fetch(`${server.url}/metrics`, { headers: server.auth })).text();
    await waitFor(
      async () => metricValue(await metrics(), 'sluice_generation_running_sequences', 'model="endless",version="1"') === 0,
      2000,
    );
  });

  it('answers 503 SLUICE_ERR_REQUEST_TIMEOUT to a request not streamed', async () => {
    const response = await postJson(`${server.url}/v1/completions`, { model: 'endless', prompt: 'Go on.', max_tokens: 1900 }, server.auth);
    expect(response.status).toBe(503);
    expect(response.json.error.code).toBe('SLUICE_ERR_REQUEST_TIMEOUT');
  });
});

describe('generation streams: hot swap and the generate extension', () => {
  let repository: string;
  let server: TestServer;
  let oracle: Oracle;

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-gen-swap-'));
    writeEndlessDecoder(repository, 'swap', 1, SLOW);
    const written = writeDecoderModel(path.join(repository, 'tiny', '1'), tinyDecoder('qwen2', { seed: 21 }));
    server = await startTestServer({ models: repository, workers: 1 });
    oracle = await loadOracle(path.join(repository, 'tiny', '1'), written.tokens.stop);
  }, 180_000);

  afterAll(async () => {
    await oracle?.dispose();
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('a stream in flight finishes on its version while a new version takes over', async () => {
    const stream = await openSse(
      `${server.url}/v2/models/swap/generate_stream`,
      { text_input: 'Tell me everything.', parameters: { max_tokens: 600 } },
      server.auth,
    );
    expect(stream.status).toBe(200);
    const first = (await stream.next()) as { model_version: string };
    expect(first.model_version).toBe('1');
    // Version 2 appears complete (written aside, then renamed) and is loaded through the repository API.
    const staging = path.join(repository, 'swap', '.staging');
    writeEndlessDecoder(path.dirname(staging), '.staging-root', 2, { ...SLOW, seed: 99 });
    renameSync(path.join(repository, 'swap', '.staging-root', '2'), path.join(repository, 'swap', '2'));
    rmSync(path.join(repository, 'swap', '.staging-root'), { recursive: true, force: true });
    const load = await postJson(`${server.url}/v2/repository/models/swap/load`, {}, server.auth);
    expect(load.status, load.text).toBe(200);
    const fresh = await postJson(
      `${server.url}/v2/models/swap/generate`,
      { text_input: 'hello', parameters: { max_tokens: 3 } },
      server.auth,
    );
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.json.model_version).toBe('2');
    const rest = (await stream.rest()) as {
      model_version: string;
      text_output: string;
      finish_reason?: string;
      completion_tokens?: number;
    }[];
    const end = rest[rest.length - 1]!;
    expect(end).toMatchObject({ finish_reason: 'length', completion_tokens: 600, model_version: '1' });
    expect(rest.every((event) => event.model_version === '1')).toBe(true);
  });

  it('generate and generate_stream equal transformers.js greedy generate()', async () => {
    const prompt = 'The quick brown fox';
    const expected = await oracle.complete(prompt, 25);
    const whole = await postJson(
      `${server.url}/v2/models/tiny/generate`,
      { id: 'r1', text_input: prompt, parameters: { max_tokens: 25, temperature: 0 } },
      server.auth,
    );
    expect(whole.status, whole.text).toBe(200);
    expect(whole.json).toMatchObject({
      id: 'r1',
      model_name: 'tiny',
      model_version: '1',
      text_output: expected.text,
      completion_tokens: expected.tokens.length,
    });
    const stream = await openSse(
      `${server.url}/v2/models/tiny/versions/1/generate_stream`,
      { text_input: prompt, parameters: { max_tokens: 25, temperature: 0 } },
      server.auth,
    );
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = (await stream.rest()) as { text_output: string }[];
    expect(events.map((e) => e.text_output).join('')).toBe(expected.text);
  });

  it('generate refuses bad requests with {error, code}', async () => {
    const cases: [string, object, number, string][] = [
      ['/v2/models/tiny/generate', { text_input: 'x', parameters: { beam_width: 4 } }, 400, 'SLUICE_ERR_UNSUPPORTED_PARAMETER'],
      ['/v2/models/tiny/generate', { text_input: 'x', input_ids: [1] }, 400, 'SLUICE_ERR_UNSUPPORTED_PARAMETER'],
      ['/v2/models/tiny/generate', { text_input: 'x', parameters: { temperature: 9 } }, 400, 'SLUICE_ERR_BAD_REQUEST'],
      ['/v2/models/tiny/generate', { text_input: 'x', parameters: { stream: true } }, 400, 'SLUICE_ERR_UNSUPPORTED_PARAMETER'],
      ['/v2/models/tiny/generate', { parameters: {} }, 400, 'SLUICE_ERR_BAD_REQUEST'],
      ['/v2/models/nope/generate', { text_input: 'x' }, 404, 'SLUICE_ERR_MODEL_NOT_FOUND'],
      ['/v2/models/tiny/versions/9/generate', { text_input: 'x' }, 404, 'SLUICE_ERR_VERSION_NOT_FOUND'],
    ];
    for (const [route, body, status, code] of cases) {
      const response = await postJson(`${server.url}${route}`, body, server.auth);
      expect(response.status, `${route} ${JSON.stringify(body)}`).toBe(status);
      expect(response.json.code).toBe(code);
    }
    // /infer on a decoder points to the generation routes.
    const infer = await postJson(
      `${server.url}/v2/models/tiny/infer`,
      { inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1], data: ['x'] }] },
      server.auth,
    );
    expect(infer.status).toBe(400);
    expect(infer.json.code).toBe('SLUICE_ERR_TASK_MISMATCH');
  });
});
