/**
 * Health, server metadata, the OpenAPI document and docs page, and the Prometheus metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { DEMO_MODELS, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('server endpoints', () => {
  let server: TestServer;
  const auth = () => server.auth ?? {};
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('GET /v2/health/live and /v2/health/ready answer without credentials', async () => {
    expect(await getJson(`${server.url}/v2/health/live`)).toMatchObject({ status: 200, json: { live: true } });
    expect(await getJson(`${server.url}/v2/health/ready`)).toMatchObject({ status: 200, json: { ready: true } });
  });

  it('GET /v2 reports name, version and the extensions implemented', async () => {
    const { status, json } = await getJson(`${server.url}/v2`, auth());
    expect(status).toBe(200);
    expect(json.name).toBe('sluice');
    expect(json.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(json.extensions).toEqual(expect.arrayContaining(['binary_tensor_data', 'model_repository']));
  });

  it('GET /v2/models/{m}/ready and /versions/{v}/ready', async () => {
    expect(await getJson(`${server.url}/v2/models/sentiment/ready`, auth())).toMatchObject({
      status: 200,
      json: { name: 'sentiment', ready: true },
    });
    expect(await getJson(`${server.url}/v2/models/sentiment/versions/1/ready`, auth())).toMatchObject({
      status: 200,
      json: { ready: true },
    });
  });

  it('GET /v2/models/{m} describes the task view of a text model', async () => {
    const { json } = await getJson(`${server.url}/v2/models/sentiment`, auth());
    expect(json.inputs).toEqual([{ name: 'text', datatype: 'BYTES', shape: [-1] }]);
    expect(json.outputs.map((o: any) => o.name)).toEqual(['label', 'score', 'probabilities']);
    expect(json.parameters.task).toBe('text-classification');
  });

  it('serves an OpenAPI 3 document that covers every Open Inference Protocol route', async () => {
    const { status, json } = await getJson(`${server.url}/openapi.json`);
    expect(status).toBe(200);
    expect(json.openapi).toMatch(/^3\./);
    const paths = Object.keys(json.paths);
    for (const route of [
      '/v2/health/live',
      '/v2/health/ready',
      '/v2',
      '/v2/models/{model}',
      '/v2/models/{model}/versions/{version}',
      '/v2/models/{model}/ready',
      '/v2/models/{model}/versions/{version}/ready',
      '/v2/models/{model}/infer',
      '/v2/models/{model}/versions/{version}/infer',
      '/v2/repository/index',
      '/v2/repository/models/{model}/load',
      '/v2/repository/models/{model}/unload',
      '/metrics',
    ])
      expect(paths).toContain(route);
    expect(json.paths['/v2/models/{model}/infer'].post.requestBody).toBeDefined();
  });

  it('serves browsable docs at /docs', async () => {
    const response = await fetch(`${server.url}/docs/`, { redirect: 'follow' });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/swagger/i);
  });

  it('exports Prometheus metrics per model and version', async () => {
    await postJson(
      `${server.url}/v2/models/sentiment/infer`,
      { inputs: [{ name: 'text', shape: [3], datatype: 'BYTES', data: ['good', 'bad', 'fine'] }] },
      auth(),
    );
    await postJson(
      `${server.url}/v2/models/sentiment/infer`,
      { inputs: [{ name: 'nope', shape: [1], datatype: 'BYTES', data: ['x'] }] },
      auth(),
    );
    const response = await fetch(`${server.url}/metrics`, { headers: auth() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(series))
          ?.split(' ')
          .pop(),
      );
    expect(value('sluice_inference_request_success_total{model="sentiment",version="1"}')).toBeGreaterThanOrEqual(1);
    expect(value('sluice_inference_count_total{model="sentiment",version="1"}')).toBeGreaterThanOrEqual(3);
    expect(value('sluice_inference_exec_count_total{model="sentiment",version="1"}')).toBeGreaterThanOrEqual(1);
    expect(value('sluice_inference_request_failure_total{code="SLUICE_ERR_INPUT_UNKNOWN",model="sentiment",version="1"}')).toBe(1);
    for (const histogram of [
      'sluice_inference_request_duration_seconds',
      'sluice_inference_queue_duration_seconds',
      'sluice_inference_compute_duration_seconds',
    ]) {
      expect(value(`${histogram}_count{model="sentiment",version="1"}`)).toBeGreaterThanOrEqual(1);
      expect(text).toContain(`${histogram}_bucket{model="sentiment",version="1",le="+Inf"}`);
    }
    expect(text).toContain('sluice_model_version_ready{model="ocr-detector",version="1"} 1');
  });

  it('the repository index shows a model-limited key only its models', async () => {
    const created = await postJson(
      `${server.url}/admin/keys`,
      { name: 'sentiment-reader', scopes: ['models:read'], models: ['sentiment'] },
      auth(),
    );
    expect(created.status).toBe(201);
    const limited = await postJson(`${server.url}/v2/repository/index`, {}, { authorization: `Bearer ${created.json.token}` });
    expect(limited.json.map((e: any) => e.name)).toEqual(['sentiment']);
    const everything = await postJson(`${server.url}/v2/repository/index`, {}, auth());
    const demoModels = readdirSync(DEMO_MODELS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    expect(everything.json.length).toBe(demoModels.length);
  });

  it('logs JSON lines carrying the request id it returns (and keeps a caller-supplied one)', async () => {
    const response = await fetch(`${server.url}/v2/models/sentiment`, { headers: { 'x-request-id': 'trace-abc-123', ...auth() } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(server.logs.some((line) => line.reqId === 'trace-abc-123')).toBe(true);
  });
});
