/**
 * image.to_tensor: UINT8 [H, W, 3] RGB -> FP32 [1, 3, h, w], resized (sharp, linear) so the longer side is at
 * most `max_side` and both sides are multiples of `multiple` (PaddleOCR's DetResizeForTest, limit type "max"),
 * then normalised per plane. A detector's output map then covers the image at scale w/W, h/H.
 */
import sharp from 'sharp';
import type { Tensor } from '../../../models/tensors/tensor.js';
import type { StepOp } from '../../step-op.js';
import { NORMALIZATION_PARAMS, planeTables, readNormalization, type Normalization } from './normalization.js';
import { expectTensor, uint8Data } from './tensor-checks.js';

export interface ResizeRule {
  maxSide: number;
  multiple: number;
}

/** The model-side size for an image: scaled down to fit maxSide, each side rounded to a multiple (at least one). */
export function modelInputSize(height: number, width: number, rule: ResizeRule): { height: number; width: number } {
  const ratio = Math.max(height, width) > rule.maxSide ? rule.maxSide / Math.max(height, width) : 1;
  const round = (side: number) => Math.max(Math.round(Math.floor(side * ratio) / rule.multiple) * rule.multiple, rule.multiple);
  return { height: round(height), width: round(width) };
}

export async function imageToTensor(image: Tensor, rule: ResizeRule, norm: Normalization): Promise<Tensor> {
  const [height, width] = expectTensor(image, 'image', 'UINT8', [-1, -1, 3]) as [number, number, number];
  const size = modelInputSize(height, width, rule);
  let pixels = uint8Data(image);
  if (size.height !== height || size.width !== width) {
    pixels = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  }
  const plane = size.height * size.width;
  const out = new Float32Array(3 * plane);
  const { source, tables } = planeTables(norm);
  for (let c = 0; c < 3; c++) {
    const table = tables[c]!;
    const from = source[c]!;
    const offset = c * plane;
    for (let i = 0; i < plane; i++) out[offset + i] = table[pixels[i * 3 + from]!]!;
  }
  return { name: 'tensor', datatype: 'FP32', shape: [1, 3, size.height, size.width], data: out };
}

export const imageToTensorOp: StepOp = {
  op: 'image.to_tensor',
  summary: 'Resizes UINT8 [H,W,3] to fit max_side with sides multiples of `multiple`, normalises -> FP32 [1,3,h,w].',
  inputs: ['image'],
  outputs: ['tensor'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      max_side: { type: 'integer', minimum: 1, maximum: 8192, description: 'default 960' },
      multiple: { type: 'integer', minimum: 1, maximum: 256, description: 'default 32' },
      ...NORMALIZATION_PARAMS,
    },
  },
  prepare(params) {
    const rule = { maxSide: (params.max_side as number | undefined) ?? 960, multiple: (params.multiple as number | undefined) ?? 32 };
    const norm = readNormalization(params);
    return async ({ image }) => ({ tensor: await imageToTensor(image!, rule, norm) });
  },
};
