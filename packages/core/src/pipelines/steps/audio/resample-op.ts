/** audio.resample: samples at any rate -> samples at `rate` Hz (anti-aliased when downsampling; untouched when equal). */
import type { StepOp } from '../../step-op.js';
import { inputPort, readSampleRate, readSamples, samplesTensor, sampleRateTensor } from './audio-tensors.js';
import { resample } from './sinc-resampler.js';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './wav-format.js';

export const audioResampleOp: StepOp = {
  op: 'audio.resample',
  summary:
    'Resamples mono FP32 samples to `rate` Hz with a windowed-sinc low-pass (Kaiser, 16 zero crossings); passes them through when the rate already matches.',
  inputs: ['samples', 'sample_rate'],
  outputs: ['samples', 'sample_rate'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['rate'],
    properties: { rate: { type: 'integer', minimum: MIN_SAMPLE_RATE, maximum: MAX_SAMPLE_RATE } },
  },
  prepare(params) {
    const rate = params.rate as number;
    return async (inputs) => {
      const samples = readSamples(inputPort(inputs, 'samples'));
      const from = readSampleRate(inputPort(inputs, 'sample_rate'));
      return { samples: samplesTensor('samples', resample(samples, from, rate)), sample_rate: sampleRateTensor('sample_rate', rate) };
    };
  },
};
