/**
 * A PNG of black text on white, for the playground's picture upload: the same 5x7 bitmap letters the OCR tests
 * feed the detector (tests/helpers/text-image.ts), written as an 8-bit greyscale PNG with node:zlib.
 */
import { crc32, deflateSync } from 'node:zlib';
import { renderText } from '../../helpers/text-image.js';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export function encodeGreyPng(width: number, height: number, grey: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // colour type: greyscale
  // Every row starts with filter type 0 (none).
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(grey.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `text` in capital bitmap letters, `scale` pixels per font dot, on a white page of width x height. */
export function textPng(text: string, width: number, height: number, scale: number): Buffer {
  const image = renderText(text, height, width, { scale });
  return encodeGreyPng(
    width,
    height,
    image.ink.map((ink) => (ink ? 0 : 255)),
  );
}
