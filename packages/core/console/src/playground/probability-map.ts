/** Draws a model's per-pixel probability map over the picture it was computed from. */
import type { ImageSize } from './image-tensor.js';

/** Colour of a probability: transparent at 0, through amber to red at 1. */
function heat(p: number): [number, number, number, number] {
  const clamped = Math.min(1, Math.max(0, p));
  return [255, Math.round(200 * (1 - clamped)), 0, Math.round(200 * clamped)];
}

export function drawProbabilityOverlay(canvas: HTMLCanvasElement, pixels: ImageData, map: ArrayLike<number>, size: ImageSize): void {
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.putImageData(pixels, 0, 0);
  // Dim the picture a little so the overlay reads well on light and dark images alike.
  context.fillStyle = 'rgba(255, 255, 255, 0.25)';
  context.fillRect(0, 0, size.width, size.height);
  const overlay = context.createImageData(size.width, size.height);
  for (let i = 0; i < size.width * size.height; i++) {
    const [r, g, b, a] = heat(map[i] ?? 0);
    overlay.data[i * 4] = r;
    overlay.data[i * 4 + 1] = g;
    overlay.data[i * 4 + 2] = b;
    overlay.data[i * 4 + 3] = a;
  }
  // putImageData would replace the picture: draw the overlay through a second canvas to blend it.
  const layer = document.createElement('canvas');
  layer.width = size.width;
  layer.height = size.height;
  layer.getContext('2d')?.putImageData(overlay, 0, 0);
  context.drawImage(layer, 0, 0);
}

/** The share of pixels at or above `threshold`, for the text alternative. */
export function shareAbove(map: ArrayLike<number>, threshold: number): number {
  if (map.length === 0) return 0;
  let count = 0;
  for (let i = 0; i < map.length; i++) if ((map[i] ?? 0) >= threshold) count++;
  return count / map.length;
}
