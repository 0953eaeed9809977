/**
 * A picture to an FP32 NCHW tensor in the browser: decode (createImageBitmap), resize on a canvas, then
 * normalise each channel. Nothing leaves the page but the tensor.
 */

export type ChannelOrder = 'RGB' | 'BGR';

export interface Normalisation {
  id: string;
  label: string;
  /** Per channel in RGB order, applied as (pixel / 255 - mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
}

export const NORMALISATIONS: readonly Normalisation[] = [
  { id: 'imagenet', label: 'ImageNet mean/std: (x/255 − mean) / std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  { id: 'symmetric', label: '[−1, 1]: (x/255 − 0.5) / 0.5', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  { id: 'unit', label: '[0, 1]: x/255', mean: [0, 0, 0], std: [1, 1, 1] },
];

/** Largest side of a picture sent to a model with free spatial dimensions: bounds the request (3×H×W×4 bytes). */
export const MAX_DYNAMIC_SIDE = 960;

export interface ImageSize {
  height: number;
  width: number;
}

/**
 * The size to send: the model's fixed dimensions, else the picture's own aspect ratio scaled so its longer side
 * is at most `maxSide`, rounded to a multiple of `multiple` (detectors such as PaddleOCR's need 32).
 */
export function targetSize(declared: { height: number; width: number }, picture: ImageSize, maxSide: number, multiple: number): ImageSize {
  const scale = Math.min(1, maxSide / Math.max(picture.height, picture.width));
  const round = (n: number) => Math.max(multiple, Math.round((n * scale) / multiple) * multiple);
  return {
    height: declared.height > 0 ? declared.height : round(picture.height),
    width: declared.width > 0 ? declared.width : round(picture.width),
  };
}

export async function decodePicture(file: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(file);
  } catch {
    throw new Error('This file is not a picture the browser can decode (try PNG, JPEG or WebP).');
  }
}

/** The picture stretched to `size`, as canvas pixels (RGBA). */
export function resizedPixels(picture: ImageBitmap, size: ImageSize): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('the browser gave no 2D canvas');
  context.drawImage(picture, 0, 0, size.width, size.height);
  return context.getImageData(0, 0, size.width, size.height);
}

/** RGBA pixels to a [1, 3, H, W] tensor in the given channel order and normalisation. */
export function toNchw(pixels: ImageData, order: ChannelOrder, norm: Normalisation): Float32Array {
  const { width, height, data } = pixels;
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  const source = order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const rgb = source[c]!;
    const mean = norm.mean[rgb]!;
    const std = norm.std[rgb]!;
    for (let i = 0; i < plane; i++) out[c * plane + i] = (data[i * 4 + rgb]! / 255 - mean) / std;
  }
  return out;
}
