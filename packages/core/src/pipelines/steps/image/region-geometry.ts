/**
 * Geometry for turning a text-probability map into boxes (the DB post-processing of PaddleOCR, written for
 * typed arrays): 8-connected components, their convex hull, the minimum-area rotated rectangle, the "unclip"
 * that grows a shrunk text kernel back to the whole line, and the quad's mean score. Everything is linear in
 * the pixels of the map, plus a quadratic term in the hull size of each component (a few hundred points).
 */

export type Point = [x: number, y: number];
/** Corners clockwise in image coordinates (y down): top-left, top-right, bottom-right, bottom-left. */
export type Quad = [Point, Point, Point, Point];

/** A rotated rectangle: `width` along the unit `axis`, `height` along its normal. */
export interface RotatedRect {
  center: Point;
  axis: Point;
  width: number;
  height: number;
}

/**
 * Calls `visit` with the pixel indices (y * width + x) of each 8-connected component of `mask` (non-zero
 * pixels), in scan order, until it returns false. The index array is reused between calls.
 */
export function forEachComponent(mask: Uint8Array, width: number, height: number, visit: (pixels: Int32Array) => boolean): void {
  const seen = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const index = queue[head++]!;
      const x = index % width;
      const y = (index - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const next = ny * width + nx;
          if (mask[next] && !seen[next]) {
            seen[next] = 1;
            queue[tail++] = next;
          }
        }
      }
    }
    if (!visit(queue.subarray(0, tail))) return;
  }
}

/** The convex hull of a component's pixel centres, counter-clockwise. Only each row's end pixels can be on it. */
export function componentHull(pixels: Int32Array, width: number): Point[] {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const index of pixels) {
    const y = Math.floor(index / width);
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const rows = maxY - minY + 1;
  const rowMin = new Int32Array(rows).fill(2 ** 30);
  const rowMax = new Int32Array(rows).fill(-1);
  for (const index of pixels) {
    const x = index % width;
    const row = (index - x) / width - minY;
    if (x < rowMin[row]!) rowMin[row] = x;
    if (x > rowMax[row]!) rowMax[row] = x;
  }
  const points: Point[] = [];
  for (let row = 0; row < rows; row++) {
    if (rowMax[row]! < 0) continue;
    points.push([rowMin[row]!, row + minY]);
    if (rowMax[row] !== rowMin[row]) points.push([rowMax[row]!, row + minY]);
  }
  return convexHull(points);
}

const cross = (o: Point, a: Point, b: Point): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Andrew's monotone chain. */
function convexHull(points: Point[]): Point[] {
  if (points.length < 3) return points;
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lower: Point[] = [];
  for (const p of points) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** The smallest-area rectangle around a convex polygon: one of its sides lies on a hull edge. */
export function minAreaRect(hull: Point[]): RotatedRect {
  let best: RotatedRect = { center: hull[0] ?? [0, 0], axis: [1, 0], width: 0, height: 0 };
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length === 0) continue;
    const ux = (b[0] - a[0]) / length;
    const uy = (b[1] - a[1]) / length;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { center: [cu * ux - cv * uy, cu * uy + cv * ux], axis: [ux, uy], width: maxU - minU, height: maxV - minV };
    }
  }
  return best;
}

/**
 * DB's unclip: the detector predicts a shrunk text kernel; grow it by distance area * ratio / perimeter.
 * Offsetting a rectangle (as PaddleOCR does with pyclipper, round joins) and taking the min-area rectangle of
 * the result is the rectangle grown by that distance on every side, so it is computed directly.
 */
export function unclip(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  const distance = perimeter > 0 ? (rect.width * rect.height * ratio) / perimeter : 0;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

/** The corners ordered as PaddleOCR's get_mini_boxes does: the two leftmost give top-left and bottom-left. */
export function rectQuad(rect: RotatedRect): Quad {
  const [cx, cy] = rect.center;
  const [ux, uy] = rect.axis;
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  const corners: Point[] = [
    [cx - ux * hw + uy * hh, cy - uy * hw - ux * hh],
    [cx + ux * hw + uy * hh, cy + uy * hw - ux * hh],
    [cx + ux * hw - uy * hh, cy + uy * hw + ux * hh],
    [cx - ux * hw - uy * hh, cy - uy * hw + ux * hh],
  ];
  corners.sort((a, b) => a[0] - b[0]);
  const [l1, l2, r1, r2] = corners as [Point, Point, Point, Point];
  const [tl, bl] = l1[1] <= l2[1] ? [l1, l2] : [l2, l1];
  const [tr, br] = r1[1] <= r2[1] ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

/** Mean of `map` over the pixel centres inside a convex quad (PaddleOCR's "fast" box score). */
export function meanInsideQuad(map: Float32Array, width: number, height: number, quad: Quad): number {
  const [y0, y1, y2, y3] = quad.map((p) => p[1]) as [number, number, number, number];
  const top = Math.max(0, Math.ceil(Math.min(y0, y1, y2, y3) - 1e-6));
  const bottom = Math.min(height - 1, Math.floor(Math.max(y0, y1, y2, y3) + 1e-6));
  let sum = 0;
  let count = 0;
  for (let y = top; y <= bottom; y++) {
    let left = Infinity;
    let right = -Infinity;
    for (let i = 0; i < 4; i++) {
      const a = quad[i]!;
      const b = quad[(i + 1) % 4]!;
      if ((y < a[1] && y < b[1]) || (y > a[1] && y > b[1])) continue;
      const xs = a[1] === b[1] ? [a[0], b[0]] : [a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1])];
      for (const x of xs) {
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
    const from = Math.max(0, Math.ceil(left - 1e-6));
    const to = Math.min(width - 1, Math.floor(right + 1e-6));
    for (let x = from; x <= to; x++) sum += map[y * width + x]!;
    if (to >= from) count += to - from + 1;
  }
  return count > 0 ? sum / count : 0;
}
