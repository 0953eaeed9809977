/**
 * The `ocr` pipeline through the real server, on the real PaddleOCR models: pages rendered now with real fonts (DejaVu, Liberation)
 * at several sizes, one page upside down, must read back as drawn. Character accuracy = 1 - edit distance /
 * length over all pages, counted with and without spaces: the Chinese PP-OCRv4 recognizer tends to run English
 * words together, which the recognizer crop's margin (image.crop_regions `margin`) mostly cures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editDistance, renderTextPage, type TextPage } from './helpers/ocr-images.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const PAGES: TextPage[] = [
  {
    font: 'DejaVu Sans',
    size: 18,
    lines: ['Invoice 2026-0417 due 15 March', 'Customer: Harbour Lights Ltd', 'Amount payable 1,284.50 EUR', 'Reference QX-88213-B'],
  },
  {
    font: 'Liberation Serif',
    size: 26,
    lines: ['The quick brown fox jumps over', 'the lazy dog near the river', 'Pack my box with five dozen', 'liquor jugs before noon'],
  },
  {
    font: 'DejaVu Sans Mono',
    size: 22,
    lines: ['Serial number 5560-7781-2093', 'Batch 42 of 96, shelf C7', 'Temperature 21.5 C at 08:30', 'Call 0800 555 0199 today'],
  },
  {
    font: 'Liberation Sans',
    size: 40,
    lines: ['Platform 9 departs 17:45', 'Gate B12 now boarding', 'Seats 14A and 14B'],
  },
  {
    font: 'DejaVu Sans',
    size: 24,
    rotate180: true,
    lines: [
      'This page was printed upside down',
      'Order total 63.20 paid by card',
      'Thank you for shopping with us',
      'Returns within 30 days',
    ],
  },
  {
    font: 'Liberation Sans',
    size: 16,
    lines: ['Meeting moved to Thursday at 10am', 'Bring the signed forms and ID', 'Room 305, third floor, east wing'],
  },
];

const squeeze = (text: string) => text.replace(/\s+/g, '');

/** Reads a page with the demo `ocr` pipeline through the real server (V2 JSON, the PNG as base64). */
async function readPage(server: TestServer, png: Buffer): Promise<{ text: string[]; boxes: number[]; scores: number[] }> {
  const body = { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [png.toString('base64')] }] };
  const { status, json, text } = await postJson(`${server.url}/v2/models/ocr/infer`, body, server.auth);
  if (status !== 200) throw new Error(`ocr answered ${status}: ${text}`);
  const output = (name: string) => json.outputs.find((o: { name: string }) => o.name === name).data;
  return { text: output('text') as string[], boxes: output('boxes') as number[], scores: output('scores') as number[] };
}

describe('the ocr pipeline on rendered text, through the server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('reads >= 20 rendered lines with >= 95% character accuracy', async () => {
    let errors = 0;
    let length = 0;
    let spacedErrors = 0;
    let spacedLength = 0;
    let lineCount = 0;
    for (const page of PAGES) {
      const { text, boxes, scores } = await readPage(server, await renderTextPage(page));
      // Upside down, the last line drawn is the first one read.
      const expected = page.rotate180 ? [...page.lines].reverse() : page.lines;
      const got = text.join('\n');
      const want = expected.join('\n');
      errors += editDistance(squeeze(want), squeeze(got));
      length += squeeze(want).length;
      spacedErrors += editDistance(want, got);
      spacedLength += want.length;
      lineCount += page.lines.length;
      expect(boxes.length).toBe(text.length * 8);
      expect(scores.length).toBe(text.length);
      console.log(`${page.font} ${page.size}px${page.rotate180 ? ' upside down' : ''}: ${JSON.stringify(text)}`);
    }
    const accuracy = 1 - errors / length;
    const spacedAccuracy = 1 - spacedErrors / spacedLength;
    console.log(
      `character accuracy over ${lineCount} lines: ${(accuracy * 100).toFixed(2)}% without spaces (${errors}/${length} edits), ` +
        `${(spacedAccuracy * 100).toFixed(2)}% with spaces (${spacedErrors}/${spacedLength})`,
    );
    expect(lineCount).toBeGreaterThanOrEqual(20);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(spacedAccuracy).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
