/**
 * The demo's `ocr` pipeline end to end through a real server: an image rendered now is posted to
 * /v2/models/ocr/infer (V2 JSON with base64, and the binary extension with raw bytes) and its text comes back,
 * with boxes around the lines; bad images get their 4xx naming the step.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBinaryResponse, encodeBinaryRequest } from './helpers/binary-protocol.js';
import { editDistance, renderTextPage } from './helpers/ocr-images.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const LINES = ['Harbour ferry timetable', 'Departs 07:40 and 18:05', 'Adults 12.50, children 6.00'];
const squeeze = (lines: string[]) => lines.join('\n').replace(/[^\S\n]+/g, '');

/** Deterministic noise bytes (xorshift32), so the test sees the same picture every run. */
function noiseBytes(length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const imageRequest = (png: Buffer) => ({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [png.toString('base64')] }] });

describe('ocr pipeline through the server', () => {
  let server: TestServer;
  let page: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    page = await renderTextPage({ lines: LINES, font: 'DejaVu Sans', size: 26 });
  }, 60_000);
  afterAll(() => server?.close());

  it('describes the pipeline like any model', async () => {
    const { status, json } = await getJson(`${server.url}/v2/models/ocr`, server.auth);
    expect(status).toBe(200);
    expect(json.inputs).toEqual([{ name: 'image', datatype: 'BYTES', shape: [1] }]);
    expect(json.outputs.map((o: { name: string }) => o.name)).toEqual(['text', 'boxes', 'scores']);
  });

  it('answers a page without text with no lines (its member steps get an empty batch and are not run)', async () => {
    const blank = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const { status, json, text } = await postJson(`${server.url}/v2/models/ocr/infer`, imageRequest(blank), server.auth);
    expect(status, text).toBe(200);
    expect(json.outputs.map((o: { name: string; shape: number[] }) => [o.name, o.shape])).toEqual([
      ['text', [0]],
      ['boxes', [0, 4, 2]],
      ['scores', [0]],
    ]);
  });

  it('reads a PNG sent as base64 in V2 JSON: one text element per line, a box and a score each', async () => {
    const { status, json } = await postJson(`${server.url}/v2/models/ocr/infer`, imageRequest(page), server.auth);
    expect(status).toBe(200);
    const output = (name: string) => json.outputs.find((o: { name: string }) => o.name === name);
    const text = output('text').data as string[];
    expect(editDistance(squeeze(text), squeeze(LINES))).toBeLessThanOrEqual(1);
    expect(output('boxes').shape).toEqual([text.length, 4, 2]);
    expect(output('scores').shape).toEqual([text.length]);
    // Boxes lie inside the image and go down the page in reading order.
    const { width, height } = await sharp(page).metadata();
    const boxes = output('boxes').data as number[];
    for (let i = 0; i < boxes.length; i += 2) {
      expect(boxes[i]).toBeGreaterThanOrEqual(0);
      expect(boxes[i]).toBeLessThan(width!);
      expect(boxes[i + 1]).toBeLessThan(height!);
    }
    const tops = text.map((_, n) => boxes[n * 8 + 1]!);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
    for (const score of output('scores').data as number[]) expect(score).toBeGreaterThan(0.5);
  }, 60_000);

  it('reads a JPEG sent as raw bytes with the binary extension', async () => {
    const jpeg = await sharp(page).jpeg({ quality: 90 }).toBuffer();
    const { body, headerLength } = encodeBinaryRequest({
      inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], values: [jpeg] }],
      outputs: [{ name: 'text', binary: false }],
    });
    const response = await fetch(`${server.url}/v2/models/ocr/infer`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength) },
      body,
    });
    expect(response.status).toBe(200);
    const raw = Buffer.from(await response.arrayBuffer());
    const length = response.headers.get('inference-header-content-length');
    const decoded = length ? decodeBinaryResponse(raw, Number(length)) : JSON.parse(raw.toString('utf8'));
    const text = decoded.outputs[0].values ?? decoded.outputs[0].data;
    expect(editDistance(squeeze(text as string[]), squeeze(LINES))).toBeLessThanOrEqual(1);
  }, 60_000);

  it('reads a photo-sized upload (over 64 KiB) sent as a multipart file', async () => {
    // Random pixels under the text keep the PNG big the way a photo is; the text is still the only text.
    const noise = await sharp(noiseBytes(300 * 200 * 3), { raw: { width: 300, height: 200, channels: 3 } })
      .png()
      .toBuffer();
    const { height } = await sharp(page).metadata();
    const photo = await sharp(page)
      .extend({ bottom: 240, background: '#ffffff' })
      .composite([{ input: noise, top: height! + 20, left: 0 }])
      .png()
      .toBuffer();
    expect(photo.length).toBeGreaterThan(100 * 1024);
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png');
    const response = await fetch(`${server.url}/v2/models/ocr/infer/multipart`, { method: 'POST', headers: server.auth, body: form });
    const json = (await response.json()) as { outputs: { name: string; data: string[] }[] };
    expect(response.status).toBe(200);
    const text = json.outputs.find((o) => o.name === 'text')!.data;
    expect(editDistance(squeeze(text), squeeze(LINES))).toBeLessThanOrEqual(1);
  }, 60_000);

  it('refuses a GIF (400) and a header claiming 3.6 GP (413), naming the step', async () => {
    const gif = await sharp(page).gif().toBuffer();
    const refused = await postJson(`${server.url}/v2/models/ocr/infer`, imageRequest(gif), server.auth);
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('SLUICE_ERR_INVALID_MEDIA');
    expect(refused.json.error).toMatch(/step "decode".*GIF.*PNG, JPEG or WebP/);

    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const huge = Buffer.from(tiny);
    huge.writeUInt32BE(60_000, 16);
    huge.writeUInt32BE(60_000, 20);
    huge.writeUInt32BE(crc32(huge.subarray(12, 29)), 29);
    const tooLarge = await postJson(`${server.url}/v2/models/ocr/infer`, imageRequest(huge), server.auth);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.code).toBe('SLUICE_ERR_MEDIA_TOO_LARGE');

    const notBase64 = await postJson(
      `${server.url}/v2/models/ocr/infer`,
      { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: ['not base64!'] }] },
      server.auth,
    );
    expect(notBase64.status).toBe(400);
    expect(notBase64.json.code).toBe('SLUICE_ERR_INVALID_MEDIA');
  }, 60_000);
});
