/**
 * model.scan_frames: runs a stateful streaming model (Silero VAD) over audio one frame at a time, feeding each
 * run's state output back as the next run's state input and prepending the last `context` samples before the
 * frame (zeros at the start), as the model was trained. One probability per frame; the last partial frame is
 * padded with zeros. Every run goes through the inference layer (`context.invoke`), so the member model keeps its
 * routing, hot swap and the request's deadline.
 */
import { MODEL_NAME_PATTERN } from '../../../models/model-name.js';
import type { Tensor } from '../../../models/tensors/tensor.js';
import type { StepOp } from '../../step-op.js';
import { inputPort, readSamples } from './audio-tensors.js';

interface ConstantInput {
  name: string;
  datatype: 'INT64' | 'INT32' | 'FP32';
  shape: number[];
  data: number[];
}

interface ScanParams {
  model: string;
  version?: string;
  frame: number;
  context: number;
  audio_input: string;
  state_input: string;
  state_output: string;
  output: string;
  state_shape: number[];
  constants?: ConstantInput[];
}

const MAX_STATE_ELEMENTS = 1 << 20;
const tensorName = { type: 'string', minLength: 1, maxLength: 256 };

const elementCount = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A fresh tensor per run: the inference layer may transfer an input's buffer to the worker that runs it. */
function constantTensor({ name, datatype, shape, data }: ConstantInput): Tensor {
  const typed =
    datatype === 'INT64' ? BigInt64Array.from(data, BigInt) : datatype === 'INT32' ? Int32Array.from(data) : Float32Array.from(data);
  return { name, datatype, shape: [...shape], data: typed };
}

function checkParams(p: ScanParams): void {
  const stateElements = elementCount(p.state_shape);
  if (stateElements > MAX_STATE_ELEMENTS) throw new Error(`state_shape has ${stateElements} elements, at most ${MAX_STATE_ELEMENTS}`);
  for (const constant of p.constants ?? []) {
    if (constant.data.length !== elementCount(constant.shape)) {
      throw new Error(`constant "${constant.name}" has ${constant.data.length} values for shape [${constant.shape.join(',')}]`);
    }
    if (constant.datatype !== 'FP32' && !constant.data.every(Number.isSafeInteger)) {
      throw new Error(`constant "${constant.name}" is ${constant.datatype} but holds a non-integer`);
    }
  }
  const names = [p.audio_input, p.state_input, ...(p.constants ?? []).map((c) => c.name)];
  if (new Set(names).size !== names.length) throw new Error('the audio input, state input and constants need distinct names');
}

/** The model's output `name` as a Float32Array, or a plain Error naming what the member returned instead. */
function floatOutput(outputs: Tensor[], name: string, model: string): Float32Array {
  const tensor = outputs.find((t) => t.name === name);
  if (!tensor || !(tensor.data instanceof Float32Array) || tensor.data.length === 0) {
    throw new Error(`member model "${model}" returned no FP32 output "${name}"`);
  }
  return tensor.data;
}

export const scanFramesOp: StepOp = {
  op: 'model.scan_frames',
  summary:
    'Runs a stateful member model frame by frame over FP32 samples (state fed back, previous samples prepended as context) and returns its first output value per frame.',
  inputs: ['samples'],
  outputs: ['probabilities'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['model', 'frame', 'context', 'audio_input', 'state_input', 'state_output', 'output', 'state_shape'],
    properties: {
      model: { type: 'string', pattern: MODEL_NAME_PATTERN.source },
      /** A version number or alias of the member; its default version when absent. */
      version: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
      frame: { type: 'integer', minimum: 1, maximum: 65_536 },
      context: { type: 'integer', minimum: 0, maximum: 65_536 },
      audio_input: tensorName,
      state_input: tensorName,
      state_output: tensorName,
      output: tensorName,
      state_shape: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'integer', minimum: 1, maximum: MAX_STATE_ELEMENTS } },
      constants: {
        type: 'array',
        maxItems: 16,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'datatype', 'shape', 'data'],
          properties: {
            name: tensorName,
            datatype: { enum: ['INT64', 'INT32', 'FP32'] },
            shape: { type: 'array', maxItems: 8, items: { type: 'integer', minimum: 1, maximum: 4096 } },
            data: { type: 'array', maxItems: 4096, items: { type: 'number' } },
          },
        },
      },
    },
  },
  prepare(rawParams) {
    const p = rawParams as unknown as ScanParams;
    checkParams(p);
    const windowLength = p.context + p.frame;
    const stateElements = elementCount(p.state_shape);

    return async (inputs, context) => {
      const samples = readSamples(inputPort(inputs, 'samples'));
      const frames = Math.ceil(samples.length / p.frame);
      const probabilities = new Float32Array(frames);
      let state: Float32Array = new Float32Array(stateElements); // zeros at the start of a stream
      for (let index = 0; index < frames; index++) {
        const start = index * p.frame;
        // [context samples before the frame | the frame], zeros where either falls outside the audio.
        const window = new Float32Array(windowLength);
        const from = Math.max(0, start - p.context);
        window.set(samples.subarray(from, Math.min(samples.length, start + p.frame)), from - (start - p.context));
        const outputs = await context.invoke(
          p.model,
          p.version,
          [
            { name: p.audio_input, datatype: 'FP32', shape: [1, windowLength], data: window },
            { name: p.state_input, datatype: 'FP32', shape: [...p.state_shape], data: state },
            ...(p.constants ?? []).map(constantTensor),
          ],
          [p.output, p.state_output],
        );
        probabilities[index] = floatOutput(outputs, p.output, p.model)[0]!;
        const next = floatOutput(outputs, p.state_output, p.model);
        if (next.length !== stateElements) {
          throw new Error(`member model "${p.model}" returned ${next.length} state values, state_shape needs ${stateElements}`);
        }
        state = next;
      }
      return { probabilities: { name: 'probabilities', datatype: 'FP32', shape: [frames], data: probabilities } };
    };
  },
};
