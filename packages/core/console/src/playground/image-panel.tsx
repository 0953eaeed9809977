/**
 * Image-input models ([batch, 3, H, W] FP32): a picture is decoded and resized in the browser, normalised, and
 * sent as binary FP32 NCHW. A per-pixel output of the same size (e.g. a text detector's probability map) is drawn
 * over the picture; every output is also listed.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CurlBlock } from '../components/curl-block.js';
import { ErrorMessage } from '../components/error-message.js';
import { formatPercent } from '../format.js';
import type { ModelMetadata, TensorSpec } from '../models.js';
import { BINARY_BODY_FILE, inferBinary, type InferAnswer, type OutputTensor } from './infer-client.js';
import {
  decodePicture,
  MAX_DYNAMIC_SIDE,
  NORMALISATIONS,
  resizedPixels,
  targetSize,
  toNchw,
  type ChannelOrder,
  type ImageSize,
} from './image-tensor.js';
import { OutputTable } from './output-table.js';
import { drawProbabilityOverlay, shareAbove } from './probability-map.js';
import { useRun } from './use-run.js';

/** Free spatial dimensions are rounded to this (the stride of common detectors, e.g. PaddleOCR's DB needs 32). */
const SIZE_MULTIPLE = 32;
const MAP_THRESHOLD = 0.3;

/** True for an input a picture can fill: FP32 [batch, 3, H, W]. */
export function isImageInput(spec: TensorSpec | undefined): spec is TensorSpec {
  return spec !== undefined && spec.datatype === 'FP32' && spec.shape.length === 4 && spec.shape[1] === 3;
}

/** An output that is one value per input pixel: [1, 1, H, W] or [1, H, W]. */
function pixelMap(output: OutputTensor, size: ImageSize): boolean {
  const s = output.shape;
  const spatial = s.slice(-2);
  return (
    s.length >= 3 &&
    spatial[0] === size.height &&
    spatial[1] === size.width &&
    output.data.length === size.height * size.width &&
    typeof output.data[0] === 'number'
  );
}

/**
 * Pre-selects the preprocessing a model's description mentions (a person can change it): BGR order, ImageNet
 * normalisation, and a fixed input size written like "[batch,3,48,192]" when the graph leaves H and W free.
 */
function hintsOf(meta: ModelMetadata): { order: ChannelOrder; norm: string; size?: ImageSize } {
  const text = meta.parameters?.description ?? '';
  const size = /\[\s*batch\s*,\s*3\s*,\s*(\d{1,4})\s*,\s*(\d{1,4})\s*\]/i.exec(text);
  return {
    order: /\bBGR\b/.test(text) ? 'BGR' : 'RGB',
    norm: /imagenet/i.test(text) ? 'imagenet' : 'symmetric',
    ...(size ? { size: { height: Number(size[1]), width: Number(size[2]) } } : {}),
  };
}

interface Prepared {
  pixels: ImageData;
  size: ImageSize;
}

export function ImagePanel({ meta }: { meta: ModelMetadata }) {
  const input = meta.inputs[0]!;
  const declared = { height: input.shape[2]!, width: input.shape[3]! };
  const hints = hintsOf(meta);
  const [picture, setPicture] = useState<ImageBitmap | null>(null);
  const [height, setHeight] = useState(declared.height > 0 ? String(declared.height) : hints.size ? String(hints.size.height) : '');
  const [width, setWidth] = useState(declared.width > 0 ? String(declared.width) : hints.size ? String(hints.size.width) : '');
  const [order, setOrder] = useState<ChannelOrder>(hints.order);
  const [norm, setNorm] = useState(hints.norm);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const [bodyUrl, setBodyUrl] = useState<string | null>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const { state, run, fail } = useRun<InferAnswer>();

  useEffect(() => () => void (bodyUrl && URL.revokeObjectURL(bodyUrl)), [bodyUrl]);

  const choose = async (event: Event): Promise<void> => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const bitmap = await decodePicture(file);
      setPicture(bitmap);
      const size = hints.size ?? targetSize(declared, { height: bitmap.height, width: bitmap.width }, MAX_DYNAMIC_SIDE, SIZE_MULTIPLE);
      setHeight(String(size.height));
      setWidth(String(size.width));
    } catch (error) {
      fail((error as Error).message);
    }
  };

  const submit = (event: Event): void => {
    event.preventDefault();
    if (!picture) return fail('Choose a picture first.');
    const size = { height: Number(height), width: Number(width) };
    for (const [name, value, fixed] of [
      ['height', size.height, declared.height],
      ['width', size.width, declared.width],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > 4096)
        return fail(`The ${name} must be a whole number of pixels from 1 to 4096.`);
      if (fixed > 0 && value !== fixed) return fail(`This model takes a ${name} of exactly ${fixed} pixels.`);
    }
    const normalisation = NORMALISATIONS.find((n) => n.id === norm)!;
    const pixels = resizedPixels(picture, size);
    const tensor = { name: input.name, shape: [1, 3, size.height, size.width], data: toNchw(pixels, order, normalisation) };
    const binaryOutputs = meta.outputs.filter((o) => o.datatype === 'FP32').map((o) => o.name);
    const call = inferBinary(meta.name, [tensor], binaryOutputs);
    setPrepared({ pixels, size });
    setBodyUrl(URL.createObjectURL(new Blob([call.body as BlobPart], { type: 'application/octet-stream' })));
    void run(call);
  };

  const map = state.result && prepared ? state.result.outputs.find((o) => pixelMap(o, prepared.size)) : undefined;
  useEffect(() => {
    if (map && prepared && overlay.current)
      drawProbabilityOverlay(overlay.current, prepared.pixels, map.data as ArrayLike<number>, prepared.size);
  }, [map, prepared]);

  return (
    <div class="playground-run">
      <form onSubmit={submit} class="stack" noValidate data-testid="image-form">
        <div class="field">
          <label for="pg-image">Picture</label>
          <input
            id="pg-image"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif,image/bmp"
            onChange={(e) => void choose(e)}
            data-testid="playground-image"
          />
          <p class="hint">Decoded and resized in your browser; only the tensor is sent.</p>
        </div>
        <div class="field-grid">
          <div class="field">
            <label for="pg-height">Height (px)</label>
            <input
              id="pg-height"
              type="number"
              min={1}
              max={4096}
              value={height}
              readOnly={declared.height > 0}
              onInput={(e) => setHeight(e.currentTarget.value)}
              data-testid="playground-height"
            />
          </div>
          <div class="field">
            <label for="pg-width">Width (px)</label>
            <input
              id="pg-width"
              type="number"
              min={1}
              max={4096}
              value={width}
              readOnly={declared.width > 0}
              onInput={(e) => setWidth(e.currentTarget.value)}
              data-testid="playground-width"
            />
          </div>
          <div class="field">
            <label for="pg-order">Channel order</label>
            <select
              id="pg-order"
              value={order}
              onChange={(e) => setOrder(e.currentTarget.value as ChannelOrder)}
              data-testid="playground-channel-order"
            >
              <option value="RGB">RGB</option>
              <option value="BGR">BGR</option>
            </select>
          </div>
          <div class="field">
            <label for="pg-norm">Normalisation</label>
            <select id="pg-norm" value={norm} onChange={(e) => setNorm(e.currentTarget.value)} data-testid="playground-normalisation">
              {NORMALISATIONS.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p class="hint">
          Otherwise free dimensions follow the picture's aspect ratio (longer side at most {MAX_DYNAMIC_SIDE} px, multiples of{' '}
          {SIZE_MULTIPLE}). Size, channel order and normalisation are pre-selected from the model's description when it gives them.
        </p>
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={state.running} data-testid="playground-run">
            {state.running ? 'Running…' : 'Run'}
          </button>
        </div>
      </form>
      <ErrorMessage message={state.error} testId="playground-error" />
      {map && prepared ? (
        <figure class="overlay" data-testid="playground-overlay">
          <canvas
            ref={overlay}
            role="img"
            aria-label={`Output ${map.name} drawn over the picture: ${formatPercent(shareAbove(map.data as ArrayLike<number>, MAP_THRESHOLD))} of pixels have a probability of ${MAP_THRESHOLD} or more.`}
          />
          <figcaption>
            <code>{map.name}</code> over the picture ({prepared.size.width}×{prepared.size.height}): red where the probability is high.{' '}
            {formatPercent(shareAbove(map.data as ArrayLike<number>, MAP_THRESHOLD))} of pixels ≥ {MAP_THRESHOLD}.
          </figcaption>
        </figure>
      ) : null}
      {state.result ? <OutputTable answer={state.result} /> : null}
      {state.curl ? (
        <>
          <CurlBlock
            request={state.curl}
            note={`The body is binary (the JSON header, then ${prepared ? 3 * prepared.size.height * prepared.size.width * 4 : 0} bytes of little-endian FP32): save it as ${BINARY_BODY_FILE} next to the command.`}
          />
          {bodyUrl ? (
            <a class="button button-small" href={bodyUrl} download={BINARY_BODY_FILE} data-testid="playground-download-body">
              Download {BINARY_BODY_FILE}
            </a>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
