/**
 * The geometry under image.text_regions and image.crop_regions, against shapes whose answers are known in
 * closed form: a rasterised rotated rectangle gives back its size and angle, unclip grows every side by
 * area * ratio / perimeter, boxes come out in reading order, and the projective map hits the quad's corners.
 */
import { describe, expect, it } from 'vitest';
import { lineCrop } from '../packages/core/src/pipelines/steps/image/crop-regions.js';
import { squareToQuad } from '../packages/core/src/pipelines/steps/image/perspective.js';
import {
  componentHull,
  forEachComponent,
  minAreaRect,
  rectQuad,
  unclip,
  type Quad,
} from '../packages/core/src/pipelines/steps/image/region-geometry.js';
import { readingOrder } from '../packages/core/src/pipelines/steps/image/text-regions.js';

/** A mask with the pixels whose centres fall inside a rectangle of the given size and angle around (cx, cy). */
function rotatedRectangleMask(width: number, height: number, rect: { cx: number; cy: number; w: number; h: number; degrees: number }) {
  const mask = new Uint8Array(width * height);
  const a = (rect.degrees * Math.PI) / 180;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const u = (x - rect.cx) * Math.cos(a) + (y - rect.cy) * Math.sin(a);
      const v = -(x - rect.cx) * Math.sin(a) + (y - rect.cy) * Math.cos(a);
      if (Math.abs(u) <= rect.w / 2 && Math.abs(v) <= rect.h / 2) mask[y * width + x] = 1;
    }
  return mask;
}

describe('region geometry', () => {
  it('finds one component per blob and recovers a rotated rectangle (size within 2 px, angle within 1.5 degrees)', () => {
    const [W, H] = [240, 160];
    const mask = rotatedRectangleMask(W, H, { cx: 120, cy: 80, w: 140, h: 30, degrees: 20 });
    mask[5 * W + 5] = 1; // a separate single pixel
    const components: Int32Array[] = [];
    forEachComponent(mask, W, H, (pixels) => {
      components.push(pixels.slice());
      return true;
    });
    expect(components.map((c) => c.length).sort((a, b) => a - b)[0]).toBe(1);
    expect(components).toHaveLength(2);
    const rect = minAreaRect(
      componentHull(
        components.find((c) => c.length > 1)!,
        W,
      ),
    );
    const [long, short] = rect.width >= rect.height ? [rect.width, rect.height] : [rect.height, rect.width];
    expect(Math.abs(long - 140)).toBeLessThanOrEqual(2);
    expect(Math.abs(short - 30)).toBeLessThanOrEqual(2);
    const axis = rect.width >= rect.height ? rect.axis : ([-rect.axis[1], rect.axis[0]] as const);
    const degrees = ((Math.atan2(axis[1], axis[0]) * 180) / Math.PI + 180) % 180;
    expect(Math.abs(degrees - 20)).toBeLessThanOrEqual(1.5);
    expect(rect.center[0]).toBeCloseTo(120, 0);
    expect(rect.center[1]).toBeCloseTo(80, 0);
  });

  it('stops at max candidates when the visitor says so', () => {
    const mask = new Uint8Array(10 * 10);
    for (const i of [0, 22, 44, 66, 88]) mask[i] = 1;
    let seen = 0;
    forEachComponent(mask, 10, 10, () => ++seen < 3);
    expect(seen).toBe(3);
  });

  it('unclip grows each side by area * ratio / perimeter; rectQuad orders corners clockwise from the top-left', () => {
    const rect = { center: [50, 20] as [number, number], axis: [1, 0] as [number, number], width: 60, height: 10 };
    const grown = unclip(rect, 1.5);
    const d = (60 * 10 * 1.5) / (2 * 70);
    expect(grown.width).toBeCloseTo(60 + 2 * d, 9);
    expect(grown.height).toBeCloseTo(10 + 2 * d, 9);
    expect(rectQuad(rect)).toEqual([
      [20, 15],
      [80, 15],
      [80, 25],
      [20, 25],
    ]);
  });

  it('orders boxes top to bottom, and left to right when their tops are within the tolerance', () => {
    const box = (x: number, y: number): Quad => [
      [x, y],
      [x + 10, y],
      [x + 10, y + 5],
      [x, y + 5],
    ];
    const regions = [box(100, 52), box(0, 50), box(50, 10), box(0, 12), box(0, 90)].map((quad, score) => ({ quad, score }));
    expect(readingOrder(regions, 10).map((r) => r.quad[0])).toEqual([
      [0, 12],
      [50, 10],
      [0, 50],
      [100, 52],
      [0, 90],
    ]);
  });
});

describe('crop geometry', () => {
  it('maps the unit square onto any quad, corners exactly', () => {
    const quad: Quad = [
      [10, 20],
      [110, 5],
      [130, 70],
      [0, 60],
    ];
    const map = squareToQuad(quad);
    [map(0, 0), map(1, 0), map(1, 1), map(0, 1)].forEach((p, i) => {
      expect(p[0]).toBeCloseTo(quad[i]![0], 9);
      expect(p[1]).toBeCloseTo(quad[i]![1], 9);
    });
  });

  it('reads a box 1.5x taller than wide as vertical text, and turns flipped lines 180 degrees', () => {
    const tall: Quad = [
      [0, 0],
      [20, 0],
      [20, 100],
      [0, 100],
    ];
    const vertical = lineCrop(tall, false);
    expect([vertical.width, vertical.height]).toEqual([100, 20]);
    expect(vertical.corners[0]).toEqual([20, 0]); // the top-right corner becomes the line's start
    const wide: Quad = [
      [0, 0],
      [100, 0],
      [100, 20],
      [0, 20],
    ];
    expect(lineCrop(wide, true).corners).toEqual([
      [100, 20],
      [0, 20],
      [0, 0],
      [100, 0],
    ]);
  });
});
