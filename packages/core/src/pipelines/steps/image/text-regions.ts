/**
 * image.text_regions: a DB text detector's probability map -> one rotated box per text line, in the original
 * image's pixel coordinates and in reading order (PaddleOCR's DBPostProcess + sorted_boxes, defaults included).
 */
import type { StepOp } from '../../step-op.js';
import { componentHull, forEachComponent, meanInsideQuad, minAreaRect, rectQuad, unclip, type Quad } from './region-geometry.js';
import { expectTensor, float32Data } from './tensor-checks.js';

export interface RegionRule {
  /** A map pixel above this is text. */
  threshold: number;
  /** A region whose mean probability is below this is dropped. */
  boxThreshold: number;
  unclipRatio: number;
  /** Regions whose shorter side is below this (map pixels) are dropped. */
  minSize: number;
  maxRegions: number;
  /** Boxes whose tops differ by less than this (image pixels) are on the same line: ordered left to right. */
  lineTolerance: number;
}

export const DEFAULT_REGION_RULE: RegionRule = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxRegions: 1000,
  lineTolerance: 10,
};

export interface TextRegion {
  quad: Quad;
  score: number;
}

/** Regions of a [mapHeight, mapWidth] map, scaled to an image of imageHeight x imageWidth. */
export function findTextRegions(
  map: Float32Array,
  mapHeight: number,
  mapWidth: number,
  imageHeight: number,
  imageWidth: number,
  rule: RegionRule,
): TextRegion[] {
  const mask = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) mask[i] = map[i]! > rule.threshold ? 1 : 0;
  const scaleX = imageWidth / mapWidth;
  const scaleY = imageHeight / mapHeight;
  const regions: TextRegion[] = [];
  let candidates = 0;
  forEachComponent(mask, mapWidth, mapHeight, (pixels) => {
    candidates++;
    const rect = minAreaRect(componentHull(pixels, mapWidth));
    if (Math.min(rect.width, rect.height) < rule.minSize) return candidates < rule.maxRegions;
    const score = meanInsideQuad(map, mapWidth, mapHeight, rectQuad(rect));
    if (score < rule.boxThreshold) return candidates < rule.maxRegions;
    const grown = unclip(rect, rule.unclipRatio);
    if (Math.min(grown.width, grown.height) < rule.minSize + 2) return candidates < rule.maxRegions;
    const quad = rectQuad(grown).map(([x, y]) => [
      clamp(Math.round(x * scaleX), 0, imageWidth - 1),
      clamp(Math.round(y * scaleY), 0, imageHeight - 1),
    ]) as Quad;
    // Clipping to the image can flatten a box; PaddleOCR drops those of 3 pixels or less.
    if (Math.trunc(distance(quad[0], quad[1])) > 3 && Math.trunc(distance(quad[0], quad[3])) > 3) regions.push({ quad, score });
    return candidates < rule.maxRegions;
  });
  return readingOrder(regions, rule.lineTolerance);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const distance = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Top to bottom by the top-left corner; boxes whose tops are within `tolerance` go left to right. */
export function readingOrder(regions: TextRegion[], tolerance: number): TextRegion[] {
  const sorted = [...regions].sort((a, b) => a.quad[0][1] - b.quad[0][1] || a.quad[0][0] - b.quad[0][0]);
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const here = sorted[j]!.quad[0];
      const next = sorted[j + 1]!.quad[0];
      if (Math.abs(next[1] - here[1]) < tolerance && next[0] < here[0]) {
        [sorted[j], sorted[j + 1]] = [sorted[j + 1]!, sorted[j]!];
      } else break;
    }
  }
  return sorted;
}

export const textRegionsOp: StepOp = {
  op: 'image.text_regions',
  summary: 'DB post-processing: probability map FP32 [1,1,h,w] -> boxes FP32 [N,4,2] (image pixels), scores FP32 [N].',
  inputs: ['map', 'image'],
  outputs: ['boxes', 'scores'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      threshold: { type: 'number', minimum: 0, maximum: 1, description: 'default 0.3' },
      box_threshold: { type: 'number', minimum: 0, maximum: 1, description: 'default 0.6' },
      unclip_ratio: { type: 'number', minimum: 0, maximum: 10, description: 'default 1.5' },
      min_size: { type: 'number', minimum: 0, maximum: 1000, description: 'default 3 (map pixels)' },
      max_regions: { type: 'integer', minimum: 1, maximum: 100_000, description: 'default 1000' },
      line_tolerance: { type: 'number', minimum: 0, maximum: 1000, description: 'default 10 (image pixels)' },
    },
  },
  prepare(params) {
    const d = DEFAULT_REGION_RULE;
    const rule: RegionRule = {
      threshold: (params.threshold as number | undefined) ?? d.threshold,
      boxThreshold: (params.box_threshold as number | undefined) ?? d.boxThreshold,
      unclipRatio: (params.unclip_ratio as number | undefined) ?? d.unclipRatio,
      minSize: (params.min_size as number | undefined) ?? d.minSize,
      maxRegions: (params.max_regions as number | undefined) ?? d.maxRegions,
      lineTolerance: (params.line_tolerance as number | undefined) ?? d.lineTolerance,
    };
    return ({ map, image }) => {
      const [, , mapHeight, mapWidth] = expectTensor(map!, 'map', 'FP32', [1, 1, -1, -1]) as number[];
      const [height, width] = expectTensor(image!, 'image', 'UINT8', [-1, -1, 3]) as number[];
      const regions = findTextRegions(float32Data(map!), mapHeight!, mapWidth!, height!, width!, rule);
      const boxes = new Float32Array(regions.length * 8);
      regions.forEach((region, n) => region.quad.forEach(([x, y], k) => boxes.set([x, y], n * 8 + k * 2)));
      return Promise.resolve({
        boxes: { name: 'boxes', datatype: 'FP32', shape: [regions.length, 4, 2], data: boxes },
        scores: { name: 'scores', datatype: 'FP32', shape: [regions.length], data: Float32Array.from(regions, (r) => r.score) },
      });
    };
  },
};
