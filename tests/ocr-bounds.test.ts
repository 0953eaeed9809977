/**
 * A crafted image cannot make the OCR steps allocate without bound: thousands of text regions, each cut out as a
 * wide line, are refused with 413 SLUICE_ERR_MEDIA_TOO_LARGE before the lines' tensor is allocated.
 */
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../packages/core/src/errors.js';
import type { Tensor } from '../packages/core/src/models/tensors/tensor.js';
import { cropRegions } from '../packages/core/src/pipelines/steps/image/crop-regions.js';
import type { Normalization } from '../packages/core/src/pipelines/steps/image/normalization.js';

const NORM: Normalization = { channelOrder: 'BGR', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
const RULE = { height: 48, margin: 0, minWidth: 320, maxWidth: 1600, flipLabel: 1, flipThreshold: 0.9 };

function boxes(count: number, width: number, height: number): Tensor {
  const data = new Float32Array(count * 8);
  for (let n = 0; n < count; n++) data.set([0, 0, width, 0, width, height, 0, height], n * 8);
  return { name: 'boxes', datatype: 'FP32', shape: [count, 4, 2], data };
}

describe('image.crop_regions bounds its output', () => {
  const image: Tensor = { name: 'image', datatype: 'UINT8', shape: [40, 2000, 3], data: new Uint8Array(40 * 2000 * 3) };

  it('refuses 1000 wide lines (about 880 MiB of cut-out lines) with 413 SLUICE_ERR_MEDIA_TOO_LARGE', () => {
    let error: unknown;
    try {
      cropRegions(image, boxes(1000, 1990, 30), undefined, RULE, NORM);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe('SLUICE_ERR_MEDIA_TOO_LARGE');
    expect((error as SluiceError).message).toMatch(/1000 text regions/);
  });

  it('cuts out a page-sized number of lines, reporting each line width', () => {
    const { tensor, widths } = cropRegions(image, boxes(40, 600, 30), undefined, RULE, NORM);
    expect(tensor.shape).toEqual([40, 3, 48, 960]);
    expect([...(widths.data as Int32Array)].every((w) => w === 960)).toBe(true);
  });
});
