/**
 * Renders dark text on a light background with a tiny 5x7 bitmap font, as a normalised CHW float image
 * (PaddleOCR's convention: (pixel/255 - 0.5) / 0.5). Enough to give the OCR models real text to look at.
 */
const FONT: Record<string, string[]> = {
  H: ['10001', '10001', '10001', '11111', '10001', '10001', '10001'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  L: ['10000', '10000', '10000', '10000', '10000', '10000', '11111'],
  O: ['01110', '10001', '10001', '10001', '10001', '10001', '01110'],
  W: ['10001', '10001', '10001', '10101', '10101', '10101', '01010'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  X: ['10001', '10001', '01010', '00100', '01010', '10001', '10001'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

export interface TextImage {
  height: number;
  width: number;
  /** [3, height, width] normalised floats, row-major. */
  chw: Float32Array;
  /** Which pixels are ink, for checking a detector's map. */
  ink: Uint8Array;
}

export function renderText(
  text: string,
  height: number,
  width: number,
  options: { scale?: number; left?: number; top?: number } = {},
): TextImage {
  const scale = options.scale ?? Math.floor(height / 10);
  const left = options.left ?? scale;
  const top = options.top ?? Math.floor((height - 7 * scale) / 2);
  const ink = new Uint8Array(height * width);
  [...text.toUpperCase()].forEach((char, index) => {
    const glyph = FONT[char] ?? FONT.X!;
    const x0 = left + index * 6 * scale;
    glyph.forEach((row, gy) =>
      [...row].forEach((bit, gx) => {
        if (bit !== '1') return;
        for (let dy = 0; dy < scale; dy++)
          for (let dx = 0; dx < scale; dx++) {
            const y = top + gy * scale + dy;
            const x = x0 + gx * scale + dx;
            if (y < height && x < width) ink[y * width + x] = 1;
          }
      }),
    );
  });
  const chw = new Float32Array(3 * height * width);
  for (let c = 0; c < 3; c++) for (let i = 0; i < height * width; i++) chw[c * height * width + i] = ink[i] ? -1 : 1;
  return { height, width, chw, ink };
}

/** The same image turned upside down (rotated 180 degrees). */
export function rotate180(image: TextImage): TextImage {
  const plane = image.height * image.width;
  const chw = new Float32Array(image.chw.length);
  for (let c = 0; c < 3; c++) for (let i = 0; i < plane; i++) chw[c * plane + i] = image.chw[c * plane + (plane - 1 - i)]!;
  const ink = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) ink[i] = image.ink[plane - 1 - i]!;
  return { ...image, chw, ink };
}
