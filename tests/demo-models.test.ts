/**
 * The bundled demo models give correct answers through the HTTP API: the sentiment model reads text, the
 * PaddleOCR direction classifier tells upright from upside-down text, the detector finds where the text is,
 * and Silero VAD hears silence as silence and carries its state between chunks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBinaryResponse, encodeBinaryRequest } from './helpers/binary-protocol.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { renderText, rotate180 } from './helpers/text-image.js';

describe('demo models', () => {
  let server: TestServer;
  const auth = () => server.auth ?? {};

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  async function inferBinary(model: string, inputs: { name: string; shape: number[]; datatype: string; values: unknown[] }[]) {
    const { body, headerLength } = encodeBinaryRequest({ inputs });
    const response = await fetch(`${server.url}/v2/models/${model}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength), ...auth() },
      body,
    });
    expect(response.status).toBe(200);
    const responseBody = Buffer.from(await response.arrayBuffer());
    // Outputs come back as JSON unless asked for binary: then the whole body is the header.
    return decodeBinaryResponse(responseBody, Number(response.headers.get('inference-header-content-length') ?? responseBody.byteLength));
  }

  it('every demo model is ready and described', async () => {
    const index = await postJson(`${server.url}/v2/repository/index`, { ready: true }, auth());
    expect(index.json.map((e: any) => e.name).sort()).toEqual([
      'ocr',
      'ocr-detector',
      'ocr-direction',
      'ocr-recognizer',
      'sentiment',
      'silero-vad',
      'vad',
    ]);
  });

  it('sentiment: "I love this" is positive, "this is terrible and awful" is negative, in one batch', async () => {
    const texts = ['I love this', 'this is terrible and awful', 'What a wonderful, happy day!', 'I hate waiting. It is a disaster.'];
    const { status, json } = await postJson(
      `${server.url}/v2/models/sentiment/infer`,
      {
        inputs: [{ name: 'text', shape: [texts.length], datatype: 'BYTES', data: texts }],
      },
      auth(),
    );
    expect(status).toBe(200);
    const label = json.outputs.find((o: any) => o.name === 'label');
    const probabilities = json.outputs.find((o: any) => o.name === 'probabilities');
    expect(label.data).toEqual(['positive', 'negative', 'positive', 'negative']);
    expect(probabilities.shape).toEqual([4, 2]);
    expect(probabilities.data[1]).toBeGreaterThan(0.8); // p(positive | "I love this")
    for (let row = 0; row < 4; row++) expect(probabilities.data[row * 2] + probabilities.data[row * 2 + 1]).toBeCloseTo(1, 5);
  });

  it('ocr-direction: upright text is class "0", the same text upside down is "180"', async () => {
    for (const text of ['HELLO WORLD', 'THE WORD']) {
      const upright = renderText(text, 48, 192, { scale: 3 });
      const flipped = rotate180(upright);
      const chw = new Float32Array([...upright.chw, ...flipped.chw]);
      const result = await inferBinary('ocr-direction', [{ name: 'x', shape: [2, 3, 48, 192], datatype: 'FP32', values: [...chw] }]);
      const scores = result.outputs[0]!.values as number[];
      expect(scores[0]).toBeGreaterThan(0.9); // upright: p(0 degrees)
      expect(scores[3]).toBeGreaterThan(0.9); // flipped: p(180 degrees)
    }
  });

  it('ocr-detector: the probability map lights up where the text is and stays dark elsewhere', async () => {
    const image = renderText('HELLO WORLD', 96, 320, { scale: 4 });
    const result = await inferBinary('ocr-detector', [{ name: 'x', shape: [1, 3, 96, 320], datatype: 'FP32', values: [...image.chw] }]);
    const map = result.outputs[0]!;
    expect(map.shape).toEqual([1, 1, 96, 320]);
    const values = map.values as number[];
    let textSum = 0,
      textCount = 0,
      backgroundMax = 0;
    values.forEach((p, i) => {
      const y = Math.floor(i / 320),
        x = i % 320;
      if (y > 25 && y < 70 && x < 270) {
        textSum += p;
        textCount++;
      } else if (y < 10 || y > 86 || x > 290) backgroundMax = Math.max(backgroundMax, p);
    });
    expect(textSum / textCount).toBeGreaterThan(0.1);
    expect(backgroundMax).toBeLessThan(0.05);
  });

  it('silero-vad: silence scores low, and the returned state feeds the next chunk', async () => {
    let state: number[] = new Array(2 * 128).fill(0);
    for (let chunk = 0; chunk < 3; chunk++) {
      const { status, json } = await postJson(
        `${server.url}/v2/models/silero-vad/infer`,
        {
          inputs: [
            { name: 'input', shape: [1, 512], datatype: 'FP32', data: new Array(512).fill(0) },
            { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: state },
            { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
          ],
        },
        auth(),
      );
      expect(status).toBe(200);
      const speech = json.outputs.find((o: any) => o.name === 'output');
      const next = json.outputs.find((o: any) => o.name === 'stateN');
      expect(speech.data[0]).toBeLessThan(0.1);
      expect(next.shape).toEqual([2, 1, 128]);
      state = next.data;
    }
  });

  it('silero-vad: a missing input is refused with 400 SLUICE_ERR_INPUT_MISSING', async () => {
    const { status, json } = await postJson(
      `${server.url}/v2/models/silero-vad/infer`,
      {
        inputs: [{ name: 'input', shape: [1, 512], datatype: 'FP32', data: new Array(512).fill(0) }],
      },
      auth(),
    );
    expect(status).toBe(400);
    expect(json.code).toBe('SLUICE_ERR_INPUT_MISSING');
    expect(json.error).toMatch(/state/);
  });

  it('model metadata is introspected from the ONNX file, with -1 for dynamic dimensions', async () => {
    const { json } = await getJson(`${server.url}/v2/models/ocr-direction`, auth());
    expect(json).toMatchObject({
      name: 'ocr-direction',
      versions: ['1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }],
      outputs: [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [-1, 2] }],
    });
    const vad = await getJson(`${server.url}/v2/models/silero-vad/versions/1`, auth());
    expect(vad.json.inputs).toContainEqual({ name: 'sr', datatype: 'INT64', shape: [] });
  });
});
