/**
 * Decodes a WAV file to mono float samples in [-1, 1]: walks the RIFF chunks (skipping any it does not need),
 * checks the format, bounds the duration before allocating anything, and averages the channels.
 */
import { SluiceError } from '../../../errors.js';
import { invalidWav, parseWavFormat, type WavFormat } from './wav-format.js';

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
}

interface DataChunk {
  offset: number;
  length: number;
}

const CHUNK_HEADER = 8;
/**
 * Writers that stream (espeak-ng --stdout: 0x7ffff000, ffmpeg and sox to a pipe: 0xffffffff) cannot know the
 * length and put a huge placeholder in the data chunk: read those to the end of the file. A smaller size that
 * overruns the file means the file was cut short.
 */
const STREAMING_DATA_SIZE = 0x7fff0000;

/** A chunk id safe to quote in a message. */
const chunkName = (id: string): string => (/^[\x20-\x7e]{4}$/.test(id) ? `"${id}"` : 'an unnamed');

function findChunks(file: Buffer): { format: WavFormat; data: DataChunk } {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') {
    invalidWav('no RIFF/WAVE header');
  }
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + CHUNK_HEADER <= file.length) {
    const id = file.toString('latin1', offset, offset + 4);
    const size = file.readUInt32LE(offset + 4);
    const body = offset + CHUNK_HEADER;
    const available = file.length - body;
    if (id === 'data') {
      if (!format) invalidWav('the data chunk comes before the fmt chunk');
      if (size <= available) return { format, data: { offset: body, length: size } };
      if (size >= STREAMING_DATA_SIZE) return { format, data: { offset: body, length: available } };
      invalidWav(`truncated: the data chunk declares ${size} bytes, the file holds ${available}`);
    }
    if (size > available) invalidWav(`truncated: ${chunkName(id)} chunk declares ${size} bytes, the file holds ${available}`);
    if (id === 'fmt ') format = parseWavFormat(file.subarray(body, body + size));
    offset = body + size + (size & 1); // chunks are padded to an even length
  }
  return invalidWav(format ? 'no data chunk' : 'no fmt chunk');
}

/** Reads one sample at a byte offset, scaled to [-1, 1]. */
type SampleReader = (view: DataView, at: number) => number;

function sampleReader({ encoding, bitsPerSample }: WavFormat): SampleReader {
  if (encoding === 'float') {
    return bitsPerSample === 32 ? (v, at) => v.getFloat32(at, true) : (v, at) => v.getFloat64(at, true);
  }
  switch (bitsPerSample) {
    case 8: // the one unsigned width
      return (v, at) => (v.getUint8(at) - 128) / 128;
    case 16:
      return (v, at) => v.getInt16(at, true) / 32_768;
    case 24:
      return (v, at) => (((v.getUint8(at) | (v.getUint8(at + 1) << 8) | (v.getUint8(at + 2) << 16)) << 8) >> 8) / 8_388_608;
    default:
      return (v, at) => v.getInt32(at, true) / 2_147_483_648;
  }
}

/**
 * The file's audio as mono samples. Refuses (SLUICE_ERR_INVALID_MEDIA) anything that is not a WAV Sluice
 * decodes, a file without samples, and non-finite float samples; refuses (SLUICE_ERR_MEDIA_TOO_LARGE) audio longer
 * than `maxSeconds`, before decoding it.
 */
export function decodeWav(file: Buffer, maxSeconds: number): DecodedAudio {
  const { format, data } = findChunks(file);
  const frames = Math.floor(data.length / format.blockAlign);
  if (frames === 0) invalidWav('it holds no samples');
  const seconds = frames / format.sampleRate;
  if (seconds > maxSeconds) {
    throw new SluiceError('SLUICE_ERR_MEDIA_TOO_LARGE', `the audio lasts ${seconds.toFixed(1)} s, the limit is ${maxSeconds} s`);
  }

  const view = new DataView(file.buffer, file.byteOffset + data.offset, frames * format.blockAlign);
  const read = sampleReader(format);
  const bytesPerSample = format.bitsPerSample / 8;
  const samples = new Float32Array(frames);
  for (let frame = 0, at = 0; frame < frames; frame++) {
    let sum = 0;
    for (let channel = 0; channel < format.channels; channel++, at += bytesPerSample) sum += read(view, at);
    const value = sum / format.channels;
    if (!Number.isFinite(value)) invalidWav(`sample ${frame} is not a finite number`);
    samples[frame] = value;
  }
  return { samples, sampleRate: format.sampleRate };
}
