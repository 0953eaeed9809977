/**
 * WAV files built byte by byte for the audio tests, independent of the decoder under test: every sample encoding
 * Sluice reads, plain or WAVE_FORMAT_EXTENSIBLE, any channel count, extra chunks, and deliberately broken headers.
 */

export type SampleEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64';

export interface WavSpec {
  /** One array per channel, all the same length, values in [-1, 1]. */
  channels: Float32Array[];
  rate: number;
  encoding?: SampleEncoding;
  /** Wrap the format in WAVE_FORMAT_EXTENSIBLE (a 40-byte fmt chunk with a sub-format GUID). */
  extensible?: boolean;
  /** Chunks to put between "fmt " and "data" (e.g. LIST), to check the decoder walks past them. */
  extraChunks?: { id: string; body: Buffer }[];
}

const BITS: Record<SampleEncoding, number> = { pcm8: 8, pcm16: 16, pcm24: 24, pcm32: 32, float32: 32, float64: 64 };
const GUID_TAIL = Buffer.from('000000001000800000aa00389b71', 'hex');

export function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, Buffer.alloc(body.length & 1)]);
}

export function riff(chunks: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), ...chunks]);
  const header = Buffer.alloc(8);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

export function fmtChunk(o: { tag: number; channels: number; rate: number; bits: number; extensible?: boolean }): Buffer {
  const blockAlign = (o.channels * o.bits) / 8;
  const body = Buffer.alloc(o.extensible ? 40 : 16);
  body.writeUInt16LE(o.extensible ? 0xfffe : o.tag, 0);
  body.writeUInt16LE(o.channels, 2);
  body.writeUInt32LE(o.rate, 4);
  body.writeUInt32LE(o.rate * blockAlign, 8);
  body.writeUInt16LE(blockAlign, 12);
  body.writeUInt16LE(o.bits, 14);
  if (o.extensible) {
    body.writeUInt16LE(22, 16); // cbSize
    body.writeUInt16LE(o.bits, 18); // valid bits
    body.writeUInt32LE(0, 20); // channel mask: unspecified
    body.writeUInt16LE(o.tag, 24);
    GUID_TAIL.copy(body, 26);
  }
  return chunk('fmt ', body);
}

function writeSample(out: Buffer, at: number, value: number, encoding: SampleEncoding): void {
  const clamp = Math.max(-1, Math.min(1, value));
  switch (encoding) {
    case 'pcm8':
      out.writeUInt8(Math.max(0, Math.min(255, Math.round(clamp * 128 + 128))), at);
      return;
    case 'pcm16':
      out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(clamp * 32768))), at);
      return;
    case 'pcm24':
      out.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(clamp * 8388608))), at, 3);
      return;
    case 'pcm32':
      out.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(clamp * 2147483648))), at);
      return;
    case 'float32':
      out.writeFloatLE(value, at);
      return;
    case 'float64':
      out.writeDoubleLE(value, at);
  }
}

/** The interleaved sample bytes of a data chunk. */
export function sampleBytes(channels: Float32Array[], encoding: SampleEncoding): Buffer {
  const bytes = BITS[encoding] / 8;
  const frames = channels[0]?.length ?? 0;
  const out = Buffer.alloc(frames * channels.length * bytes);
  for (let frame = 0, at = 0; frame < frames; frame++) {
    for (const channel of channels) {
      writeSample(out, at, channel[frame]!, encoding);
      at += bytes;
    }
  }
  return out;
}

export function encodeWav(spec: WavSpec): Buffer {
  const encoding = spec.encoding ?? 'pcm16';
  const tag = encoding.startsWith('float') ? 3 : 1;
  return riff([
    fmtChunk({ tag, channels: spec.channels.length, rate: spec.rate, bits: BITS[encoding], extensible: spec.extensible }),
    ...(spec.extraChunks ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', sampleBytes(spec.channels, encoding)),
  ]);
}

/** Reads a canonical 16-bit mono PCM WAV as espeak-ng writes it (the test's own reader, not the decoder under test). */
export function readPcm16Mono(file: Buffer): { samples: Float32Array; rate: number } {
  if (
    file.toString('latin1', 0, 4) !== 'RIFF' ||
    file.readUInt16LE(20) !== 1 ||
    file.readUInt16LE(22) !== 1 ||
    file.readUInt16LE(34) !== 16
  ) {
    throw new Error('not a 16-bit mono PCM WAV');
  }
  let offset = 12;
  while (file.toString('latin1', offset, offset + 4) !== 'data') offset += 8 + file.readUInt32LE(offset + 4);
  const count = Math.floor(Math.min(file.readUInt32LE(offset + 4), file.length - offset - 8) / 2);
  const samples = new Float32Array(count);
  for (let i = 0; i < count; i++) samples[i] = file.readInt16LE(offset + 8 + 2 * i) / 32768;
  return { samples, rate: file.readUInt32LE(24) };
}
