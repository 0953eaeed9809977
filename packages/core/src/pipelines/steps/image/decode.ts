/**
 * image.decode: one encoded image (PNG, JPEG or WebP) -> UINT8 [H, W, 3] RGB pixels, upright (EXIF orientation
 * applied) and with transparency flattened onto white. The pixel count is checked from the header before any
 * pixel is decoded, so a small file that claims a huge image costs nothing.
 */
import sharp from 'sharp';
import { SluiceError } from '../../../errors.js';
import type { Tensor } from '../../../models/tensors/tensor.js';
import { mediaBytes } from '../../media-bytes.js';
import type { StepOp } from '../../step-op.js';
import { ACCEPTED_FORMATS, describeOtherFormat, sniffImageFormat } from './image-format.js';

const DEFAULT_MAX_PIXELS = 40_000_000;

const invalid = (message: string) => new SluiceError('SLUICE_ERR_INVALID_MEDIA', message);

async function readHeader(bytes: Buffer): Promise<{ width: number; height: number }> {
  try {
    // Reading the header decodes no pixel, so sharp's own pixel limit is lifted here: ours is checked next.
    const { width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!width || !height) throw new Error('no dimensions');
    return { width, height };
  } catch {
    throw invalid('the image header is corrupt');
  }
}

export async function decodeImage(bytes: Buffer, maxPixels: number): Promise<Tensor> {
  const format = sniffImageFormat(bytes);
  if (!format) throw invalid(`the file is ${describeOtherFormat(bytes)}; send ${ACCEPTED_FORMATS}`);
  const { width, height } = await readHeader(bytes);
  if (width * height > maxPixels) {
    throw new SluiceError(
      'SLUICE_ERR_MEDIA_TOO_LARGE',
      `the image is ${width}x${height} (${width * height} pixels); the limit is ${maxPixels} pixels`,
    );
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .rotate() // EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
    return { name: 'image', datatype: 'UINT8', shape: [info.height, info.width, 3], data: pixels };
  } catch {
    throw invalid(`the ${format.toUpperCase()} image is corrupt or truncated`);
  }
}

export const imageDecode: StepOp = {
  op: 'image.decode',
  summary: 'Decodes one PNG, JPEG or WebP file (EXIF orientation applied, alpha on white) to UINT8 [H,W,3] RGB.',
  inputs: ['file'],
  outputs: ['image'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_pixels: { type: 'integer', minimum: 1, maximum: 500_000_000, description: `default ${DEFAULT_MAX_PIXELS}` },
    },
  },
  prepare(params) {
    const maxPixels = (params.max_pixels as number | undefined) ?? DEFAULT_MAX_PIXELS;
    return async ({ file }) => {
      if (file!.datatype !== 'BYTES' || file!.shape.reduce((a, b) => a * b, 1) !== 1) {
        throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', 'send exactly one encoded image (BYTES, shape [1])');
      }
      return { image: await decodeImage(mediaBytes(file!, 0), maxPixels) };
    };
  },
};
