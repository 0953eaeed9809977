/**
 * The bench's "do it yourself" OCR client: what a user without pipelines writes. It decodes and prepares the
 * image itself (with the same functions the pipeline's steps use, so both sides do identical work), then calls
 * ocr-detector, ocr-direction and ocr-recognizer one after another over HTTP with the V2 binary extension (the
 * cheapest way to move float tensors), post-processing between the calls, and the recognizer in groups of lines
 * of similar width as the pipeline runs it.
 */
import { decodeImage } from '../packages/core/src/pipelines/steps/image/decode.js';
import { cropRegions } from '../packages/core/src/pipelines/steps/image/crop-regions.js';
import { ctcDecodeBestClasses, dictionaryClasses } from '../packages/core/src/pipelines/steps/image/ctc-decode.js';
import { DEFAULT_REGION_RULE, findTextRegions } from '../packages/core/src/pipelines/steps/image/text-regions.js';
import type { Normalization } from '../packages/core/src/pipelines/steps/image/normalization.js';
import { imageToTensor } from '../packages/core/src/pipelines/steps/image/to-tensor.js';
import { runByWidth, type WidthGrouping } from '../packages/core/src/pipelines/steps/model/run-by-width.js';
import type { Tensor } from '../packages/core/src/models/tensors/tensor.js';

const DETECTOR_NORM: Normalization = { channelOrder: 'BGR', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const LINE_NORM: Normalization = { channelOrder: 'BGR', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
const LINE = { height: 48, flipLabel: 1, flipThreshold: 0.9 };
const RECOGNIZER_GROUPS: WidthGrouping = { batchSize: 6, minWidth: 320, fillClass: 0, bestClass: true };

/** POSTs one FP32 tensor with the binary extension and returns the named FP32 output. */
async function inferBinary(url: string, headers: Record<string, string>, input: Tensor, output: string): Promise<Tensor> {
  const data = input.data as Float32Array;
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: input.name, datatype: 'FP32', shape: input.shape, parameters: { binary_data_size: data.byteLength } }],
      outputs: [{ name: output, parameters: { binary_data: true } }],
    }),
  );
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.toString('utf8').slice(0, 200)}`);
  const headerLength = Number(response.headers.get('inference-header-content-length'));
  const meta = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as {
    outputs: { name: string; shape: number[]; parameters: { binary_data_size: number } }[];
  };
  const out = meta.outputs[0]!;
  const bytes = body.subarray(headerLength, headerLength + out.parameters.binary_data_size);
  const floats = new Float32Array(bytes.byteLength / 4);
  Buffer.from(floats.buffer).set(bytes);
  return { name: out.name, datatype: 'FP32', shape: out.shape, data: floats };
}

export interface ChainedOcrClient {
  read(png: Buffer): Promise<string[]>;
}

export function chainedOcrClient(serverUrl: string, headers: Record<string, string>, dictionary: string): ChainedOcrClient {
  const classes = dictionaryClasses(dictionary, true);
  const model = (name: string) => `${serverUrl}/v2/models/${name}/infer`;
  return {
    async read(png) {
      const image = await decodeImage(png, 40_000_000);
      const [height, width] = image.shape as [number, number];
      const detectorX = await imageToTensor(image, { maxSide: 960, multiple: 32 }, DETECTOR_NORM);
      const map = await inferBinary(model('ocr-detector'), headers, { ...detectorX, name: 'x' }, 'sigmoid_0.tmp_0');
      const regions = findTextRegions(map.data as Float32Array, map.shape[2]!, map.shape[3]!, height, width, DEFAULT_REGION_RULE);
      if (regions.length === 0) return [];
      const boxData = new Float32Array(regions.length * 8);
      regions.forEach((r, n) => r.quad.forEach(([x, y], k) => boxData.set([x, y], n * 8 + k * 2)));
      const boxes: Tensor = { name: 'boxes', datatype: 'FP32', shape: [regions.length, 4, 2], data: boxData };
      const directionX = cropRegions(image, boxes, undefined, { ...LINE, margin: 0, minWidth: 192, maxWidth: 192 }, LINE_NORM).tensor;
      const direction = await inferBinary(model('ocr-direction'), headers, { ...directionX, name: 'x' }, 'softmax_0.tmp_0');
      const recognizerX = cropRegions(image, boxes, direction, { ...LINE, margin: 0.25, minWidth: 320, maxWidth: 1600 }, LINE_NORM);
      // Lines in groups of similar width, one recognizer call per group, as the pipeline does.
      const characters = await runByWidth(recognizerX.tensor, recognizerX.widths, RECOGNIZER_GROUPS, (shape, data) =>
        inferBinary(model('ocr-recognizer'), headers, { name: 'x', datatype: 'FP32', shape, data }, 'softmax_11.tmp_0'),
      );
      const { text, confidence } = ctcDecodeBestClasses(characters, classes);
      return text.map((line) => line.trim()).filter((line, n) => line !== '' && confidence[n]! >= 0.5);
    },
  };
}
