/** audio.speech_segments: per-frame speech probabilities -> speech segments in seconds and their mean probability. */
import type { StepOp } from '../../step-op.js';
import { inputPort, readSampleRate, readSamples } from './audio-tensors.js';
import { meanProbability, speechSegments, type SegmentRules } from './speech-segments.js';

/** Silero VAD's defaults (get_speech_timestamps). */
const DEFAULTS = { threshold: 0.5, min_speech_ms: 250, min_silence_ms: 100, speech_pad_ms: 30 };
const milliseconds = { type: 'number', minimum: 0, maximum: 60_000 };
const probability = { type: 'number', minimum: 0, maximum: 1 };

export const speechSegmentsOp: StepOp = {
  op: 'audio.speech_segments',
  summary:
    "Turns per-frame speech probabilities into speech segments (FP32 [S,2], start and end in seconds) and each segment's mean probability (FP32 [S]), with Silero VAD's hysteresis, minimum speech/silence and padding.",
  inputs: ['frame_probabilities', 'samples', 'sample_rate'],
  outputs: ['segments', 'probabilities'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['frame'],
    properties: {
      /** Samples each probability covers (512 for Silero VAD at 16 kHz). */
      frame: { type: 'integer', minimum: 1, maximum: 65_536 },
      threshold: probability,
      /** Speech ends below this; default threshold - 0.15 (at least 0.01). */
      neg_threshold: probability,
      min_speech_ms: milliseconds,
      min_silence_ms: milliseconds,
      speech_pad_ms: milliseconds,
    },
  },
  prepare(rawParams) {
    const params = { ...DEFAULTS, ...rawParams } as typeof DEFAULTS & { frame: number; neg_threshold?: number };
    const negThreshold = params.neg_threshold ?? Math.max(params.threshold - 0.15, 0.01);
    if (negThreshold > params.threshold) throw new Error(`neg_threshold ${negThreshold} is above threshold ${params.threshold}`);

    return async (inputs) => {
      const probabilities = readSamples(inputPort(inputs, 'frame_probabilities'));
      const totalSamples = readSamples(inputPort(inputs, 'samples')).length;
      const rate = readSampleRate(inputPort(inputs, 'sample_rate'));
      if (probabilities.length !== Math.ceil(totalSamples / params.frame)) {
        throw new Error(`${probabilities.length} probabilities do not cover ${totalSamples} samples in frames of ${params.frame}`);
      }
      const rules: SegmentRules = {
        frame: params.frame,
        threshold: params.threshold,
        negThreshold,
        minSpeechSamples: (rate * params.min_speech_ms) / 1000,
        minSilenceSamples: (rate * params.min_silence_ms) / 1000,
        speechPadSamples: (rate * params.speech_pad_ms) / 1000,
      };
      const ranges = speechSegments(probabilities, totalSamples, rules);
      const segments = new Float32Array(ranges.length * 2);
      const scores = new Float32Array(ranges.length);
      ranges.forEach((range, index) => {
        segments[2 * index] = range.start / rate;
        segments[2 * index + 1] = range.end / rate;
        scores[index] = meanProbability(probabilities, range, params.frame);
      });
      return {
        segments: { name: 'segments', datatype: 'FP32', shape: [ranges.length, 2], data: segments },
        probabilities: { name: 'probabilities', datatype: 'FP32', shape: [ranges.length], data: scores },
      };
    };
  },
};
