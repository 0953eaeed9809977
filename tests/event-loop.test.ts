/**
 * ONNX Runtime runs in worker threads, so the HTTP thread stays free: liveness keeps answering while a long
 * inference runs (on the main thread, a run this long would let no request through until it finished).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBinaryRequest } from './helpers/binary-protocol.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';
import { renderText } from './helpers/text-image.js';

describe('event loop stays responsive during inference', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ workers: 1 });
  });
  afterAll(async () => server?.close());

  it('answers health checks while a long OCR detection runs', async () => {
    const size = 1536;
    const image = renderText('HELLO WORLD HELLO', size, size, { scale: 24 });
    const { body, headerLength } = encodeBinaryRequest({
      inputs: [{ name: 'x', shape: [1, 3, size, size], datatype: 'FP32', values: [...image.chw] }],
    });
    let inferenceDone = false;
    const started = performance.now();
    const inference = fetch(`${server.url}/v2/models/ocr-detector/infer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'inference-header-content-length': String(headerLength),
        ...(server.auth ?? {}),
      },
      body,
    }).then(async (response) => {
      inferenceDone = true;
      await response.arrayBuffer();
      return response.status;
    });

    let answeredDuringInference = 0;
    while (!inferenceDone) {
      const response = await fetch(`${server.url}/v2/health/live`);
      expect(response.status).toBe(200);
      await response.text();
      if (!inferenceDone) answeredDuringInference++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const inferenceMs = performance.now() - started;
    expect(await inference).toBe(200);
    // The run must be long enough for the check to mean something, and liveness must have kept answering.
    expect(inferenceMs).toBeGreaterThan(300);
    expect(answeredDuringInference).toBeGreaterThanOrEqual(5);
  });
});
