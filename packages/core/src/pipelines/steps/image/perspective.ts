/**
 * Samples a quadrilateral of an RGB image into an upright rectangle: a projective map from the unit square onto
 * the quad (Heckbert's closed form), bilinear interpolation with edge pixels repeated outside the image.
 */
import type { Point, Quad } from './region-geometry.js';

/** Maps (s, t) in [0,1]^2 to the quad: (0,0) -> quad[0], (1,0) -> quad[1], (1,1) -> quad[2], (0,1) -> quad[3]. */
export type SquareToQuad = (s: number, t: number) => Point;

export function squareToQuad([p0, p1, p2, p3]: Quad): SquareToQuad {
  const dx3 = p0[0] - p1[0] + p2[0] - p3[0];
  const dy3 = p0[1] - p1[1] + p2[1] - p3[1];
  let g = 0;
  let h = 0;
  if (Math.abs(dx3) > 1e-9 || Math.abs(dy3) > 1e-9) {
    const dx1 = p1[0] - p2[0];
    const dx2 = p3[0] - p2[0];
    const dy1 = p1[1] - p2[1];
    const dy2 = p3[1] - p2[1];
    const det = dx1 * dy2 - dx2 * dy1;
    if (Math.abs(det) > 1e-12) {
      g = (dx3 * dy2 - dx2 * dy3) / det;
      h = (dx1 * dy3 - dx3 * dy1) / det;
    }
  }
  const a = p1[0] - p0[0] + g * p1[0];
  const b = p3[0] - p0[0] + h * p3[0];
  const d = p1[1] - p0[1] + g * p1[1];
  const e = p3[1] - p0[1] + h * p3[1];
  return (s, t) => {
    const w = g * s + h * t + 1;
    return [(a * s + b * t + p0[0]) / w, (d * s + e * t + p0[1]) / w];
  };
}

/** Bilinear RGB sample at (x, y) of an [height, width, 3] image into `out[0..2]`. */
export function sampleBilinear(pixels: Uint8Array, width: number, height: number, x: number, y: number, out: Float64Array): void {
  const cx = Math.min(Math.max(x, 0), width - 1);
  const cy = Math.min(Math.max(y, 0), height - 1);
  const x0 = Math.floor(cx);
  const y0 = Math.floor(cy);
  const x1 = Math.min(x0 + 1, width - 1);
  const y1 = Math.min(y0 + 1, height - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const i00 = (y0 * width + x0) * 3;
  const i01 = (y0 * width + x1) * 3;
  const i10 = (y1 * width + x0) * 3;
  const i11 = (y1 * width + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = pixels[i00 + c]! + (pixels[i01 + c]! - pixels[i00 + c]!) * fx;
    const bottom = pixels[i10 + c]! + (pixels[i11 + c]! - pixels[i10 + c]!) * fx;
    out[c] = top + (bottom - top) * fy;
  }
}
