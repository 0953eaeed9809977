/**
 * The "fmt " chunk of a WAV file: which sample encodings Sluice decodes (integer PCM 8/16/24/32-bit, IEEE float
 * 32/64-bit, plain or wrapped in WAVE_FORMAT_EXTENSIBLE) and the bounds that make a header believable.
 */
import { SluiceError } from '../../../errors.js';

export interface WavFormat {
  encoding: 'int' | 'float';
  bitsPerSample: number;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** The last 14 bytes every KSDATAFORMAT_SUBTYPE GUID for a plain WAVE format tag shares. */
const EXTENSIBLE_GUID_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);

export const MIN_SAMPLE_RATE = 1_000;
export const MAX_SAMPLE_RATE = 384_000;
const MAX_CHANNELS = 64;

const INT_BITS = new Set([8, 16, 24, 32]);
const FLOAT_BITS = new Set([32, 64]);

export function invalidWav(message: string): never {
  throw new SluiceError('SLUICE_ERR_INVALID_MEDIA', `invalid WAV file: ${message}`);
}

const hex = (tag: number): string => `0x${tag.toString(16).padStart(4, '0')}`;

/** The real format tag: WAVE_FORMAT_EXTENSIBLE carries it in the first two bytes of its sub-format GUID. */
function formatTag(chunk: Buffer): number {
  const tag = chunk.readUInt16LE(0);
  if (tag !== WAVE_FORMAT_EXTENSIBLE) return tag;
  if (chunk.length < 40) invalidWav(`the extensible fmt chunk has ${chunk.length} bytes, it needs 40`);
  if (!chunk.subarray(26, 40).equals(EXTENSIBLE_GUID_TAIL)) invalidWav('the extensible fmt chunk has an unknown sub-format');
  return chunk.readUInt16LE(24);
}

/** Reads and checks the body of a "fmt " chunk. */
export function parseWavFormat(chunk: Buffer): WavFormat {
  if (chunk.length < 16) invalidWav(`the fmt chunk has ${chunk.length} bytes, it needs 16`);
  const tag = formatTag(chunk);
  const channels = chunk.readUInt16LE(2);
  const sampleRate = chunk.readUInt32LE(4);
  const blockAlign = chunk.readUInt16LE(12);
  const bitsPerSample = chunk.readUInt16LE(14);

  let encoding: WavFormat['encoding'];
  if (tag === WAVE_FORMAT_PCM && INT_BITS.has(bitsPerSample)) encoding = 'int';
  else if (tag === WAVE_FORMAT_IEEE_FLOAT && FLOAT_BITS.has(bitsPerSample)) encoding = 'float';
  else {
    invalidWav(
      `format ${hex(tag)} with ${bitsPerSample}-bit samples is not supported ` +
        '(only uncompressed PCM 8/16/24/32-bit and IEEE float 32/64-bit)',
    );
  }
  if (channels === 0 || channels > MAX_CHANNELS) invalidWav(`${channels} channels (1 to ${MAX_CHANNELS} supported)`);
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    invalidWav(`sample rate ${sampleRate} Hz is outside ${MIN_SAMPLE_RATE}..${MAX_SAMPLE_RATE} Hz`);
  }
  const expectedAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    invalidWav(`block align ${blockAlign} does not match ${channels} channels of ${bitsPerSample}-bit samples`);
  }
  return { encoding, bitsPerSample, channels, sampleRate, blockAlign };
}
