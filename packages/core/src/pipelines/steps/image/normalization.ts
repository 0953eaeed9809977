/**
 * How an op turns 8-bit RGB pixels into a model's float input: channel order, then per channel
 * (pixel / 255 - mean) / std. Shared by image.to_tensor and image.crop_regions so both read the same params.
 */

export interface Normalization {
  /** Plane order of the output tensor; PaddleOCR's models were trained on OpenCV's BGR. */
  channelOrder: 'RGB' | 'BGR';
  /** Per output plane, in output order. */
  mean: [number, number, number];
  std: [number, number, number];
}

const triple = { type: 'array', items: { type: 'number' }, minItems: 3, maxItems: 3 } as const;

/** JSON schema properties for the normalisation params (merge into an op's paramsSchema). */
export const NORMALIZATION_PARAMS = {
  channel_order: { enum: ['RGB', 'BGR'], description: 'plane order of the output tensor' },
  mean: { ...triple, description: 'subtracted from pixel/255, per output plane' },
  std: { ...triple, description: 'divides (pixel/255 - mean), per output plane' },
} as const;

export function readNormalization(params: Record<string, unknown>): Normalization {
  const mean = (params.mean as number[] | undefined) ?? [0, 0, 0];
  const std = (params.std as number[] | undefined) ?? [1, 1, 1];
  if (std.some((s) => !(Math.abs(s) > 1e-6))) throw new Error('std must not contain 0');
  return {
    channelOrder: (params.channel_order as 'RGB' | 'BGR' | undefined) ?? 'RGB',
    mean: [mean[0]!, mean[1]!, mean[2]!],
    std: [std[0]!, std[1]!, std[2]!],
  };
}

/**
 * Per output plane: which RGB source channel it reads and the lookup table from a byte to its normalised value
 * (256 entries, so the pixel loops do no arithmetic).
 */
export function planeTables(norm: Normalization): { source: number[]; tables: Float32Array[] } {
  const source = norm.channelOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  const tables = [0, 1, 2].map((plane) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = (v / 255 - norm.mean[plane]!) / norm.std[plane]!;
    return table;
  });
  return { source, tables };
}
