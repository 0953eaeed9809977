/**
 * image.crop_regions: cuts each box out of the image as an upright text line of a fixed height, keeping its
 * aspect ratio, and stacks the lines into one normalised FP32 [N, 3, height, W] batch, right-padded with zeros
 * (PaddleOCR's get_rotate_crop_image + resize_norm_img for the classifier and the recognizer); `widths` says
 * how wide each line really is (the rest of its row is padding).
 * - A box taller than 1.5x its width is read as vertical text and turned 90 degrees, as PaddleOCR does.
 * - With the optional `flip` input (a direction classifier's [N, K] probabilities), a line whose probability for
 *   `flip_label` exceeds `flip_threshold` is turned 180 degrees (PaddleOCR: label "180" above 0.9).
 * - W is the widest line's natural width, clamped to [min_width, max_width]; wider lines are squeezed to W.
 * - `margin` widens each box on every side by that fraction of its shorter side first: PaddleOCR's recognizer
 *   reads word gaps better with some room above and below the glyphs than in the detector's snug boxes.
 */
import { SluiceError } from '../../../errors.js';
import type { Tensor } from '../../../models/tensors/tensor.js';
import type { StepOp } from '../../step-op.js';
import { NORMALIZATION_PARAMS, readNormalization, type Normalization } from './normalization.js';
import { sampleBilinear, squareToQuad } from './perspective.js';
import type { Point, Quad } from './region-geometry.js';
import { expectTensor, float32Data, uint8Data } from './tensor-checks.js';

export interface CropRule {
  height: number;
  margin: number;
  minWidth: number;
  maxWidth: number;
  flipLabel: number;
  flipThreshold: number;
}

/** The most memory the cut-out lines of one image may take (a crafted image could hold thousands of regions). */
const MAX_BATCH_BYTES = 256 * 2 ** 20;

/** Up to this many samples per axis and output pixel, so a big line shrinks without aliasing. */
const MAX_SUPERSAMPLING = 4;

const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

interface LineCrop {
  /** The source quad's corners in the order they land on the upright line's corners. */
  corners: Quad;
  /** The line's size in source pixels. */
  width: number;
  height: number;
}

/** The box grown by `margin` times its shorter side on every side, along its own edges. */
export function growQuad(quad: Quad, margin: number): Quad {
  if (margin === 0) return quad;
  const [tl, tr, br, bl] = quad;
  const across = distance(tl, tr);
  const down = distance(tl, bl);
  if (across === 0 || down === 0) return quad;
  const grow = margin * Math.min(across, down);
  const ux = ((tr[0] - tl[0]) / across) * grow;
  const uy = ((tr[1] - tl[1]) / across) * grow;
  const vx = ((bl[0] - tl[0]) / down) * grow;
  const vy = ((bl[1] - tl[1]) / down) * grow;
  return [
    [tl[0] - ux - vx, tl[1] - uy - vy],
    [tr[0] + ux - vx, tr[1] + uy - vy],
    [br[0] + ux + vx, br[1] + uy + vy],
    [bl[0] - ux + vx, bl[1] - uy + vy],
  ];
}

/** Where a box's upright line comes from, after the vertical-text and upside-down turns. */
export function lineCrop(quad: Quad, upsideDown: boolean): LineCrop {
  const [tl, tr, br, bl] = quad;
  let width = Math.max(1, Math.trunc(Math.max(distance(tl, tr), distance(bl, br))));
  let height = Math.max(1, Math.trunc(Math.max(distance(tl, bl), distance(tr, br))));
  let corners: Quad = quad;
  if (height / width >= 1.5) {
    corners = [tr, br, bl, tl]; // turned 90 degrees counter-clockwise
    [width, height] = [height, width];
  }
  if (upsideDown) corners = [corners[2], corners[3], corners[0], corners[1]];
  return { corners, width, height };
}

/** Writes one line into `out` (a [3, rule.height, tensorWidth] slice); returns nothing, padding stays 0. */
function drawLine(
  image: { pixels: Uint8Array; width: number; height: number },
  line: LineCrop,
  lineWidth: number,
  tensorWidth: number,
  rule: CropRule,
  norm: Normalization,
  out: Float32Array,
): void {
  const map = squareToQuad(line.corners);
  const plane = rule.height * tensorWidth;
  const scaleX = line.width / lineWidth;
  const scaleY = line.height / rule.height;
  const kx = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(scaleX)));
  const ky = Math.min(MAX_SUPERSAMPLING, Math.max(1, Math.ceil(scaleY)));
  const sample = new Float64Array(3);
  const sum = new Float64Array(3);
  const source = norm.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let v = 0; v < rule.height; v++) {
    for (let u = 0; u < lineWidth; u++) {
      sum.fill(0);
      for (let j = 0; j < ky; j++) {
        // Pixel-centre convention of cv2.resize, in the line's own pixels, then as a fraction of the line.
        const t = ((v + (j + 0.5) / ky) * scaleY - 0.5) / line.height;
        for (let i = 0; i < kx; i++) {
          const s = ((u + (i + 0.5) / kx) * scaleX - 0.5) / line.width;
          const [x, y] = map(s, t);
          sampleBilinear(image.pixels, image.width, image.height, x, y, sample);
          sum[0]! += sample[0]!;
          sum[1]! += sample[1]!;
          sum[2]! += sample[2]!;
        }
      }
      const at = v * tensorWidth + u;
      for (let c = 0; c < 3; c++) {
        const value = sum[source[c]!]! / (kx * ky);
        out[c * plane + at] = (value / 255 - norm.mean[c]!) / norm.std[c]!;
      }
    }
  }
}

export function cropRegions(
  image: Tensor,
  boxes: Tensor,
  flip: Tensor | undefined,
  rule: CropRule,
  norm: Normalization,
): { tensor: Tensor; widths: Tensor } {
  const [imageHeight, imageWidth] = expectTensor(image, 'image', 'UINT8', [-1, -1, 3]) as [number, number];
  const [count] = expectTensor(boxes, 'boxes', 'FP32', [-1, 4, 2]) as [number];
  const coords = float32Data(boxes);
  let flipProbs: Float32Array | undefined;
  let classes = 0;
  // With no boxes the classifier may have been skipped: its output is then empty, whatever its shape.
  if (flip && count > 0) {
    [, classes] = expectTensor(flip, 'flip', 'FP32', [count, -1]) as [number, number];
    if (rule.flipLabel >= classes) throw new Error(`flip_label ${rule.flipLabel} is not a class of the ${classes} in "flip"`);
    flipProbs = float32Data(flip);
  }
  const lines = Array.from({ length: count }, (_, n) => {
    const quad = [0, 1, 2, 3].map((k) => [coords[n * 8 + k * 2]!, coords[n * 8 + k * 2 + 1]!]) as Quad;
    const upsideDown = flipProbs !== undefined && flipProbs[n * classes + rule.flipLabel]! > rule.flipThreshold;
    return lineCrop(growQuad(quad, rule.margin), upsideDown);
  });
  const natural = lines.map((line) => Math.max(1, Math.ceil((rule.height * line.width) / line.height)));
  const tensorWidth = Math.min(
    rule.maxWidth,
    natural.reduce((widest, width) => Math.max(widest, width), rule.minWidth),
  );
  const lineSize = 3 * rule.height * tensorWidth;
  if (count * lineSize * 4 > MAX_BATCH_BYTES)
    throw new SluiceError(
      'SLUICE_ERR_MEDIA_TOO_LARGE',
      `the image has ${count} text regions: cut out at ${rule.height} x ${tensorWidth} they would take ${Math.ceil((count * lineSize * 4) / 2 ** 20)} MiB, more than the ${MAX_BATCH_BYTES / 2 ** 20} MiB one request may use`,
    );
  const data = new Float32Array(count * lineSize);
  const source = { pixels: uint8Data(image), width: imageWidth, height: imageHeight };
  const widths = new Int32Array(count);
  lines.forEach((line, n) => {
    widths[n] = Math.min(natural[n]!, tensorWidth);
    drawLine(source, line, widths[n], tensorWidth, rule, norm, data.subarray(n * lineSize, (n + 1) * lineSize));
  });
  return {
    tensor: { name: 'tensor', datatype: 'FP32', shape: [count, 3, rule.height, tensorWidth], data },
    widths: { name: 'widths', datatype: 'INT32', shape: [count], data: widths },
  };
}

export const cropRegionsOp: StepOp = {
  op: 'image.crop_regions',
  summary: 'Crops boxes FP32 [N,4,2] from UINT8 [H,W,3] into upright, normalised lines FP32 [N,3,height,W].',
  inputs: ['image', 'boxes', 'flip?'],
  outputs: ['tensor', 'widths'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      height: { type: 'integer', minimum: 1, maximum: 512, description: 'default 48' },
      margin: { type: 'number', minimum: 0, maximum: 2, description: 'default 0: room added around each box, times its shorter side' },
      min_width: { type: 'integer', minimum: 1, maximum: 8192, description: 'default 1' },
      max_width: { type: 'integer', minimum: 1, maximum: 8192, description: 'default 1600' },
      flip_label: { type: 'integer', minimum: 0, maximum: 1000, description: 'default 1' },
      flip_threshold: { type: 'number', minimum: 0, maximum: 1, description: 'default 0.9' },
      ...NORMALIZATION_PARAMS,
    },
  },
  prepare(params) {
    const rule: CropRule = {
      height: (params.height as number | undefined) ?? 48,
      margin: (params.margin as number | undefined) ?? 0,
      minWidth: (params.min_width as number | undefined) ?? 1,
      maxWidth: (params.max_width as number | undefined) ?? 1600,
      flipLabel: (params.flip_label as number | undefined) ?? 1,
      flipThreshold: (params.flip_threshold as number | undefined) ?? 0.9,
    };
    if (rule.minWidth > rule.maxWidth) throw new Error('min_width must not exceed max_width');
    const norm = readNormalization(params);
    return ({ image, boxes, flip }) => Promise.resolve({ ...cropRegions(image!, boxes!, flip, rule, norm) });
  },
};
