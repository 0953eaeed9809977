/**
 * Inference requests at the codec's edges: nesting depth, very many BYTES elements, duplicate requested
 * outputs, empty tensors and the binary extension's header length. Each gets a clear 4xx (or a 200), never a 5xx or an
 * error blamed on ONNX Runtime.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DATA_NESTING } from '../packages/core/src/api/v2/json-tensor-data.js';
import { loadTextTokenizer } from '../packages/core/src/models/tasks/text-tokenizer.js';
import { identityModel, writeModel } from './helpers/identity-models.js';
import { DEMO_MODELS, postJson, request, startTestServer, type TestServer } from './helpers/test-server.js';

function nested(depth: number, leaf: string): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

describe('V2 codec limits', () => {
  let server: TestServer;
  let repository: string;
  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-codec-'));
    writeModel(repository, 'identity_fp32', 1, identityModel('float32', [-1]));
    writeModel(repository, 'identity_fp32_rank4', 1, identityModel('float32', [1, 1, 1, 1]));
    server = await startTestServer({ models: repository });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });
  const infer = (model: string, body: string, headers: Record<string, string> = {}) =>
    request(`${server.url}/v2/models/${model}/infer`, { method: 'POST', headers: { ...server.auth, ...headers }, body });

  it('refuses data nested 10,000 deep with a 400 (no recursion to overflow)', async () => {
    const response = await infer('identity_fp32', `{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":${nested(10_000, '1')}}]}`);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST' });
    expect(response.json.error).toContain(`nested more than ${MAX_DATA_NESTING} levels`);
  });

  it('still takes nested row-major data up to the limit', async () => {
    const response = await infer(
      'identity_fp32_rank4',
      `{"inputs":[{"name":"x","shape":[1,1,1,1],"datatype":"FP32","data":${nested(4, '2.5')}}]}`,
    );
    expect(response.status).toBe(200);
    expect(response.json.outputs[0]).toMatchObject({ name: 'y', shape: [1, 1, 1, 1], data: [2.5] });
    const deepest = await infer(
      'identity_fp32',
      `{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":${nested(MAX_DATA_NESTING, '1')}}]}`,
    );
    expect(deepest.status).toBe(200);
  });

  it('names a deeply nested object in a BYTES tensor without serialising it', async () => {
    const deepObject = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    const response = await infer('identity_fp32', `{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[${deepObject}]}]}`);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'SLUICE_ERR_INVALID_DATA' });
    expect(response.json.error).toContain('an object');
  });

  it('refuses a shape with more dimensions than any tensor has', async () => {
    const shape = JSON.stringify(Array.from({ length: 10_000 }, () => 1));
    const response = await infer('identity_fp32', `{"inputs":[{"name":"x","shape":${shape},"datatype":"FP32","data":[1]}]}`);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST' });
  });

  it('refuses duplicate requested outputs with a 400, as Triton does', async () => {
    const response = await postJson(
      `${server.url}/v2/models/identity_fp32/infer`,
      {
        inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2] }],
        outputs: [{ name: 'y' }, { name: 'y_copy' }, { name: 'y' }],
      },
      server.auth,
    );
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'output "y" was requested more than once', code: 'SLUICE_ERR_OUTPUT_DUPLICATE' });
  });

  describe('Inference-Header-Content-Length takes plain decimal digits only', () => {
    /** A JSON header padded with spaces to exactly `length` bytes. */
    function headerOf(length: number): string {
      const json = JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
      return json + ' '.repeat(length - json.length);
    }

    it.each([
      ['0x6f', 0x6f],
      ['1e2', 100],
      ['0b1100100', 100],
      ['100.0', 100],
      ['+100', 100],
      ['', 0],
    ])('refuses %j', async (value, length) => {
      const response = await infer('identity_fp32', headerOf(Math.max(length, 80)), { 'inference-header-content-length': value });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'SLUICE_ERR_BINARY_DATA' });
    });

    it('accepts the same header length in decimal', async () => {
      const response = await infer('identity_fp32', headerOf(0x6f), { 'inference-header-content-length': '111' });
      expect(response.status).toBe(200);
    });
  });
});

describe('empty tensors', () => {
  it('are refused before they reach ONNX Runtime (Silero VAD with batch 0 used to abort the process)', async () => {
    const server = await startTestServer();
    try {
      const response = await postJson(
        `${server.url}/v2/models/silero-vad/infer`,
        {
          inputs: [
            { name: 'input', shape: [0, 256], datatype: 'FP32', data: [] },
            { name: 'state', shape: [2, 0, 128], datatype: 'FP32', data: [] },
            { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
          ],
        },
        server.auth,
      );
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'SLUICE_ERR_SHAPE_MISMATCH' });
      expect(response.json.error).toContain('every dimension must be at least 1');
      const sentiment = await postJson(
        `${server.url}/v2/models/sentiment/infer`,
        { inputs: [{ name: 'text', shape: [0], datatype: 'BYTES', data: [] }] },
        server.auth,
      );
      expect(sentiment.status).toBe(400);
      expect(
        (
          await postJson(
            `${server.url}/v2/models/sentiment/infer`,
            { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['good'] }] },
            server.auth,
          )
        ).status,
      ).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('very many BYTES elements', () => {
  it('tokenizes 200,000 texts without spreading them into a call', async () => {
    const tokenizer = await loadTextTokenizer(path.join(DEMO_MODELS, 'sentiment'), 'tokenizer.json', 128);
    const texts = Array.from({ length: 200_000 }, (_, i) => (i === 7 ? 'good and happy' : 'good'));
    const batch = tokenizer.encodeBatch(texts);
    expect(batch.batchSize).toBe(200_000);
    expect(batch.sequenceLength).toBe(Math.max(...batch.tokenCounts.slice(0, 10)));
  });

  it('a 130,000-text V2 request on the sentiment model is answered, not blamed on ONNX Runtime', async () => {
    const server = await startTestServer();
    try {
      const texts = Array.from({ length: 130_000 }, () => 'good');
      const response = await postJson(
        `${server.url}/v2/models/sentiment/infer`,
        { inputs: [{ name: 'text', shape: [texts.length], datatype: 'BYTES', data: texts }], outputs: [{ name: 'score' }] },
        server.auth,
      );
      // A per-request batch bound (a 4xx naming the limit) is a fine answer too; a 422 from the runtime is not.
      if (response.status !== 200) expect(response.status).toBeOneOf([400, 413]);
      else expect(response.json.outputs[0].shape).toEqual([130_000]);
      expect(response.text).not.toMatch(/ONNX Runtime|call stack/);
    } finally {
      await server.close();
    }
  });
});
