/** audio.decode: one WAV file (BYTES [1]) -> mono FP32 samples in [-1, 1] and the file's sample rate. */
import { SluiceError } from '../../../errors.js';
import { mediaBytes } from '../../media-bytes.js';
import type { StepOp } from '../../step-op.js';
import { inputPort, samplesTensor, sampleRateTensor } from './audio-tensors.js';
import { decodeWav } from './wav-file.js';

const DEFAULT_MAX_SECONDS = 3600;

export const audioDecodeOp: StepOp = {
  op: 'audio.decode',
  summary:
    'Decodes one WAV file (PCM 8/16/24/32-bit or float 32/64-bit, any channel count) to mono FP32 samples (channels averaged) and its sample rate (INT32 [1]).',
  inputs: ['file'],
  outputs: ['samples', 'sample_rate'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      /** Longer audio is refused with SLUICE_ERR_MEDIA_TOO_LARGE before any sample is decoded. */
      max_seconds: { type: 'number', exclusiveMinimum: 0, maximum: 86_400 },
    },
  },
  prepare(params) {
    const maxSeconds = (params.max_seconds as number | undefined) ?? DEFAULT_MAX_SECONDS;
    return async (inputs) => {
      const file = inputPort(inputs, 'file');
      if (file.datatype !== 'BYTES' || file.data.length !== 1) {
        throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `"${file.name}" must hold exactly one audio file`);
      }
      const { samples, sampleRate } = decodeWav(mediaBytes(file, 0), maxSeconds);
      return { samples: samplesTensor('samples', samples), sample_rate: sampleRateTensor('sample_rate', sampleRate) };
    };
  },
};
