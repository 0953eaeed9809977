/**
 * Every client mistake gets a 4xx with {"error", "code"}: never a 500. Covers unknown model/version (404),
 * wrong input name/shape/datatype/element count and malformed bodies (400), body over the limit (413) and a
 * model that is not ready (503).
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModel, writeModel } from './helpers/identity-models.js';
import { postJson, getJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('Open Inference Protocol errors', () => {
  let server: TestServer;
  let repository: string;
  const auth = () => server.auth ?? {};
  const infer = (model: string, body: unknown, headers: Record<string, string> = {}) =>
    postJson(`${server.url}/v2/models/${model}/infer`, body, { ...auth(), ...headers });
  const x = (over: Record<string, unknown> = {}) => ({
    inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6], ...over }],
  });

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-errors-'));
    writeModel(repository, 'fixed_fp32', 1, identityModel('float32', [2, 3]));
    writeModel(repository, 'dynamic_fp32', 1, identityModel('float32'));
    // A corrupt model file: reported, not fatal to the others.
    mkdirSync(path.join(repository, 'broken', '1'), { recursive: true });
    writeFileSync(path.join(repository, 'broken', '1', 'model.onnx'), 'this is not an onnx file');
    server = await startTestServer({ models: repository, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  const cases: [string, () => ReturnType<typeof infer>, number, string][] = [
    ['unknown model', () => infer('nope', x()), 404, 'SLUICE_ERR_MODEL_NOT_FOUND'],
    ['unknown version', () => infer('fixed_fp32/versions/9', x()), 404, 'SLUICE_ERR_VERSION_NOT_FOUND'],
    ['unknown alias', () => infer('fixed_fp32/versions/canary', x()), 404, 'SLUICE_ERR_VERSION_NOT_FOUND'],
    ['unknown input name', () => infer('fixed_fp32', x({ name: 'nope' })), 400, 'SLUICE_ERR_INPUT_UNKNOWN'],
    [
      'duplicate input',
      () =>
        infer('fixed_fp32', {
          inputs: [
            { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
            { name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
          ],
        }),
      400,
      'SLUICE_ERR_INPUT_DUPLICATE',
    ],
    ['wrong datatype', () => infer('fixed_fp32', x({ datatype: 'INT32', data: [1, 2, 3, 4, 5, 6] })), 400, 'SLUICE_ERR_DATATYPE_MISMATCH'],
    ['wrong shape', () => infer('fixed_fp32', x({ shape: [3, 2] })), 400, 'SLUICE_ERR_SHAPE_MISMATCH'],
    ['wrong rank', () => infer('dynamic_fp32', x({ shape: [6] })), 400, 'SLUICE_ERR_SHAPE_MISMATCH'],
    ['too few elements', () => infer('fixed_fp32', x({ data: [1, 2, 3] })), 400, 'SLUICE_ERR_ELEMENT_COUNT'],
    [
      'too many elements (nested)',
      () =>
        infer(
          'fixed_fp32',
          x({
            data: [
              [1, 2, 3, 4],
              [5, 6, 7],
            ],
          }),
        ),
      400,
      'SLUICE_ERR_ELEMENT_COUNT',
    ],
    ['a string in an FP32 tensor', () => infer('fixed_fp32', x({ data: [1, 2, 'three', 4, 5, 6] })), 400, 'SLUICE_ERR_INVALID_DATA'],
    ['unknown datatype', () => infer('fixed_fp32', x({ datatype: 'FP8' })), 400, 'SLUICE_ERR_BAD_REQUEST'],
    ['negative dimension', () => infer('fixed_fp32', x({ shape: [-1, 3] })), 400, 'SLUICE_ERR_BAD_REQUEST'],
    ['no inputs', () => infer('fixed_fp32', { inputs: [] }), 400, 'SLUICE_ERR_BAD_REQUEST'],
    [
      'data missing',
      () => infer('fixed_fp32', { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32' }] }),
      400,
      'SLUICE_ERR_BAD_REQUEST',
    ],
    ['unknown output', () => infer('fixed_fp32', { ...x(), outputs: [{ name: 'nope' }] }), 400, 'SLUICE_ERR_OUTPUT_UNKNOWN'],
    ['model that failed to load', () => infer('broken', x()), 503, 'SLUICE_ERR_MODEL_NOT_READY'],
  ];

  for (const [name, send, status, code] of cases) {
    it(`${name} -> ${status} ${code}`, async () => {
      const response = await send();
      expect(response.status, response.text).toBe(status);
      expect(response.json).toMatchObject({ code });
      expect(typeof response.json.error).toBe('string');
      expect(response.headers.get('x-request-id')).toBeTruthy();
    });
  }

  it('a broken model is reported with its file and reason, and the others still serve', async () => {
    const index = await postJson(`${server.url}/v2/repository/index`, {}, auth());
    const broken = index.json.find((e: any) => e.name === 'broken');
    expect(broken.state).toBe('UNAVAILABLE');
    expect(broken.reason).toMatch(/load failed/);
    expect(server.logs.some((l) => l.model === 'broken' && String(l.file).endsWith(path.join('broken', '1', 'model.onnx')))).toBe(true);
    expect((await infer('fixed_fp32', x())).status).toBe(200);
  });

  it('malformed JSON -> 400', async () => {
    const response = await fetch(`${server.url}/v2/models/fixed_fp32/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth() },
      body: '{"inputs": [',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'SLUICE_ERR_BAD_REQUEST' });
  });

  it('a body over --max-body-bytes -> 413', async () => {
    const big = { inputs: [{ name: 'x', shape: [1, 20000], datatype: 'FP32', data: new Array(20000).fill(1.2345) }] };
    const response = await infer('dynamic_fp32', big);
    expect(response.status).toBe(413);
    expect(response.json).toMatchObject({ code: 'SLUICE_ERR_BODY_TOO_LARGE' });
  });

  it('binary extension: header length past the body, sizes that do not add up, unclaimed bytes -> 400', async () => {
    const header = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } }] }),
    );
    const send = (body: Buffer, headerLength: number) =>
      fetch(`${server.url}/v2/models/fixed_fp32/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength), ...auth() },
        body,
      });
    const tooLong = await send(Buffer.concat([header, Buffer.alloc(24)]), header.byteLength + 100);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { code: string }).code).toBe('SLUICE_ERR_BINARY_DATA');
    const short = await send(Buffer.concat([header, Buffer.alloc(20)]), header.byteLength);
    expect(short.status).toBe(400);
    expect(((await short.json()) as { code: string }).code).toBe('SLUICE_ERR_BINARY_DATA');
    const extra = await send(Buffer.concat([header, Buffer.alloc(28)]), header.byteLength);
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { code: string }).code).toBe('SLUICE_ERR_BINARY_DATA');
    const ok = await send(Buffer.concat([header, Buffer.alloc(24)]), header.byteLength);
    expect(ok.status).toBe(200);
  });

  it('metadata and readiness of unknown models and versions -> 404; unknown routes -> 404 with a code', async () => {
    expect((await getJson(`${server.url}/v2/models/nope`, auth())).json.code).toBe('SLUICE_ERR_MODEL_NOT_FOUND');
    expect((await getJson(`${server.url}/v2/models/fixed_fp32/versions/7`, auth())).status).toBe(404);
    expect((await getJson(`${server.url}/v2/models/nope/ready`, auth())).status).toBe(404);
    const broken = await getJson(`${server.url}/v2/models/broken/ready`, auth());
    expect(broken.status).toBe(503);
    expect(broken.json.code).toBe('SLUICE_ERR_MODEL_NOT_READY');
    const unknownRoute = await getJson(`${server.url}/v3/whatever`, auth());
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.json.code).toBe('SLUICE_ERR_ROUTE_NOT_FOUND');
  });

  it('never answered a client mistake with a 500', async () => {
    const failures = server.logs.filter((l) => (l as any).res?.statusCode === 500);
    expect(failures).toEqual([]);
  });
});
