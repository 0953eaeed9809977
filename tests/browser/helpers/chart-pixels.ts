/**
 * Whether a chart really drew data: uPlot paints on a <canvas>, so the test counts the canvas pixels in a
 * series' colour. Axes and grid are grey; an empty chart (no points, or only nulls) has none of the series colour.
 */
import type { Locator } from 'playwright-core';

/** `#2563eb` -> [37, 99, 235]. */
export function rgbOf(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** Pixels within `tolerance` of `hex` on every canvas inside `chart` (antialiased line edges are lighter). */
export function countColouredPixels(chart: Locator, hex: string, tolerance = 40): Promise<number> {
  const [r, g, b] = rgbOf(hex);
  return chart.evaluate(
    (element: any, { r, g, b, tolerance }) => {
      let count = 0;
      for (const canvas of Array.from(element.querySelectorAll('canvas')) as any[]) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 4) {
          if (
            data[i + 3]! > 128 &&
            Math.abs(data[i]! - r) <= tolerance &&
            Math.abs(data[i + 1]! - g) <= tolerance &&
            Math.abs(data[i + 2]! - b) <= tolerance
          )
            count++;
        }
      }
      return count;
    },
    { r, g, b, tolerance },
  );
}
