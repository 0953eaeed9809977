/**
 * What the `ocr` pipeline's image.decode step accepts and refuses, run through the pipeline's own steps with
 * the real models: PNG, JPEG and WebP read the same; EXIF orientation and transparency are honoured; anything
 * else, a broken file or an oversized image is refused with its 4xx code before the models run.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../packages/core/src/errors.js';
import { renderTextPage } from './helpers/ocr-images.js';
import { createOcrRunner, type OcrRunner } from './helpers/ocr-pipeline-runner.js';
import { DEMO_MODELS } from './helpers/test-server.js';

const LINES = ['Station 7 opens at 06:15', 'Tickets 4.90 each'];
const squeeze = (lines: string[]) => lines.join('').replace(/\s+/g, '');

/** A PNG whose header claims `width` x `height` but whose pixel data is a 1x1 image's: only the header is big. */
function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // IHDR is the first chunk: length (4) at 8, type at 12, width at 16, height at 20, CRC after its 13 data bytes.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return out;
}

async function refusal(run: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSluiceError(error)) throw new Error(`expected a SluiceError, got ${String(error)}`);
  return { code: error.code, status: error.statusCode, message: error.message };
}

describe('ocr pipeline: image inputs', () => {
  let runner: OcrRunner;
  let page: Buffer;
  beforeAll(async () => {
    runner = await createOcrRunner(DEMO_MODELS);
    page = await renderTextPage({ lines: LINES, font: 'DejaVu Sans', size: 28 });
  });
  afterAll(() => runner?.close());

  it('reads the same text from PNG, JPEG and WebP', async () => {
    for (const encoded of [page, await sharp(page).jpeg({ quality: 90 }).toBuffer(), await sharp(page).webp({ quality: 90 }).toBuffer()]) {
      expect(squeeze((await runner.run(encoded)).text)).toBe(squeeze(LINES));
    }
  }, 60_000);

  it('applies EXIF orientation: a sideways JPEG tagged "rotate 90 clockwise" reads upright', async () => {
    const sideways = await sharp(page).rotate(-90).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
    const { width, height } = await sharp(page).metadata();
    const decoded = await runner.runTensors(sideways);
    expect(decoded.pixels!.shape).toEqual([height, width, 3]);
    expect(squeeze(decoded.text!.data as string[])).toBe(squeeze(LINES));
  }, 60_000);

  it('flattens transparency onto white: black text on a transparent PNG is read', async () => {
    const { data, info } = await sharp(page).greyscale().raw().toBuffer({ resolveWithObject: true });
    // Alpha = ink, colour black everywhere: without flattening onto white the page would be all black.
    const rgba = Buffer.alloc(info.width * info.height * 4);
    for (let i = 0; i < info.width * info.height; i++) rgba[i * 4 + 3] = 255 - data[i]!;
    const transparent = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } })
      .png()
      .toBuffer();
    expect(squeeze((await runner.run(transparent)).text)).toBe(squeeze(LINES));
  }, 60_000);

  it('returns no lines for a blank page', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    const result = await runner.run(blank);
    expect(result.text).toEqual([]);
    expect(result.boxes.length).toBe(0);
  }, 60_000);

  it('refuses other formats, broken files and empty input with SLUICE_ERR_INVALID_MEDIA (400)', async () => {
    const gif = await sharp(page).gif().toBuffer();
    const tiff = await sharp(page).tiff().toBuffer();
    const bmp = Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]);
    const cases: [string, Buffer, RegExp][] = [
      ['text', Buffer.from('hello, this is not an image'), /not a recognised image.*PNG, JPEG or WebP/],
      ['GIF', gif, /GIF.*PNG, JPEG or WebP/],
      ['BMP', bmp, /BMP.*PNG, JPEG or WebP/],
      ['TIFF', tiff, /TIFF.*PNG, JPEG or WebP/],
      ['truncated PNG', page.subarray(0, Math.floor(page.length / 2)), /PNG image is corrupt or truncated/],
      ['PNG signature only', page.subarray(0, 8), /header is corrupt/],
      ['truncated JPEG', (await sharp(page).jpeg().toBuffer()).subarray(0, 300), /JPEG image is corrupt or truncated|header is corrupt/],
    ];
    for (const [label, bytes, message] of cases) {
      const error = await refusal(runner.run(bytes));
      expect({ label, code: error.code, status: error.status }).toEqual({ label, code: 'SLUICE_ERR_INVALID_MEDIA', status: 400 });
      expect(error.message).toMatch(message);
    }
    expect((await refusal(runner.run(Buffer.alloc(0)))).code).toBe('SLUICE_ERR_INVALID_MEDIA');
  }, 60_000);

  it('refuses an image over max_pixels from its header, before decoding (SLUICE_ERR_MEDIA_TOO_LARGE, 413)', async () => {
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();
    // 60000 x 60000 = 3.6 GP claimed, 1 pixel of data: decoding would fail as corrupt, so the code proves the order.
    const error = await refusal(runner.run(pngClaiming(tiny, 60_000, 60_000)));
    expect(error).toMatchObject({ code: 'SLUICE_ERR_MEDIA_TOO_LARGE', status: 413 });
    expect(error.message).toContain('60000x60000');
    expect(error.message).toContain('40000000');
    // Just under the limit but still a lie about its size: decoding is tried and fails cleanly.
    expect((await refusal(runner.run(pngClaiming(tiny, 6000, 6000)))).code).toBe('SLUICE_ERR_INVALID_MEDIA');
  }, 60_000);
});
