/**
 * audio.decode on WAV files built byte by byte (tests/helpers/speech-wav.ts): every supported sample encoding,
 * plain and WAVE_FORMAT_EXTENSIBLE, mono to three channels (averaged), chunks to skip, streaming writers' size
 * placeholders; and every malformed or unsupported file refused with SLUICE_ERR_INVALID_MEDIA (400), audio longer
 * than max_seconds with SLUICE_ERR_MEDIA_TOO_LARGE (413).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../packages/core/src/errors.js';
import type { Tensor } from '../packages/core/src/models/tensors/tensor.js';
import { audioDecodeOp } from '../packages/core/src/pipelines/steps/audio/decode-op.js';
import { chunk, encodeWav, fmtChunk, riff, sampleBytes, type SampleEncoding } from './helpers/speech-wav.js';

/** A BYTES [1] input carrying a file as V2 JSON does: the file's base64. */
const fileInput = (file: Buffer): Tensor => ({ name: 'audio', datatype: 'BYTES', shape: [1], data: [file.toString('base64')] });

const context = { pipeline: 'vad', step: 'decode', invoke: () => Promise.reject(new Error('no models here')) };

async function decode(file: Buffer | Tensor, params: Record<string, unknown> = {}) {
  const run = await audioDecodeOp.prepare(params, { readText: () => Promise.reject(new Error('no files')) });
  const outputs = await run({ file: Buffer.isBuffer(file) ? fileInput(file) : file }, context);
  return { samples: outputs.samples!, rate: outputs.sample_rate! };
}

async function refusal(file: Buffer | Tensor, params: Record<string, unknown> = {}): Promise<SluiceError> {
  const error = await decode(file, params).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SluiceError);
  return error as SluiceError;
}

/** A tone per channel (different frequencies and levels), so averaging the channels is visible. */
function channels(count: number, frames: number, rate: number): Float32Array[] {
  return Array.from({ length: count }, (_, c) =>
    Float32Array.from({ length: frames }, (_, i) => (0.8 / (c + 1)) * Math.sin((2 * Math.PI * (220 * (c + 1)) * i) / rate)),
  );
}

const QUANTUM: Record<SampleEncoding, number> = {
  pcm8: 1 / 128,
  pcm16: 1 / 32768,
  pcm24: 1 / 8388608,
  pcm32: 1e-7, // float32 resolution of the result dominates
  float32: 1e-7,
  float64: 1e-7,
};

describe('audio.decode', () => {
  for (const encoding of Object.keys(QUANTUM) as SampleEncoding[]) {
    for (const extensible of [false, true]) {
      for (const channelCount of [1, 2, 3]) {
        it(`decodes ${encoding}${extensible ? ' extensible' : ''} with ${channelCount} channel(s) to their mean`, async () => {
          const input = channels(channelCount, 1000, 11_025);
          const { samples, rate } = await decode(encodeWav({ channels: input, rate: 11_025, encoding, extensible }));
          expect(rate).toMatchObject({ datatype: 'INT32', shape: [1], data: Int32Array.of(11_025) });
          expect(samples.datatype).toBe('FP32');
          expect(samples.shape).toEqual([1000]);
          const data = samples.data as Float32Array;
          for (let i = 0; i < 1000; i++) {
            const mean = input.reduce((sum, channel) => sum + channel[i]!, 0) / channelCount;
            expect(Math.abs(data[i]! - mean)).toBeLessThanOrEqual(QUANTUM[encoding]);
          }
        });
      }
    }
  }

  it('maps the integer extremes of each width onto [-1, 1) exactly', async () => {
    const cases: [number, number, number[], number[]][] = [
      // [tag, bits, raw little-endian sample bytes, expected]
      [1, 8, [0, 128, 255], [-1, 0, 127 / 128]],
      [1, 16, [0x00, 0x80, 0x00, 0x00, 0xff, 0x7f], [-1, 0, 32767 / 32768]],
      [1, 24, [0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [-1, -1 / 8388608, 8388607 / 8388608]],
      [1, 32, [0, 0, 0, 0x80, 0, 0, 0, 0x40], [-1, 0.5]],
    ];
    for (const [tag, bits, bytes, expected] of cases) {
      const file = riff([fmtChunk({ tag, channels: 1, rate: 8000, bits }), chunk('data', Buffer.from(bytes))]);
      expect([...((await decode(file)).samples.data as Float32Array)]).toEqual(expected);
    }
  });

  it('walks past other chunks (odd sizes padded) before and after the data', async () => {
    const input = channels(1, 300, 8000);
    const file = riff([
      chunk('JUNK', Buffer.alloc(3)),
      fmtChunk({ tag: 1, channels: 1, rate: 8000, bits: 16 }),
      chunk('LIST', Buffer.from('INFOISFT\x05\x00\x00\x00sox!\x00', 'latin1')),
      chunk('fact', Buffer.alloc(4)),
      chunk('data', sampleBytes(input, 'pcm16')),
      chunk('id3 ', Buffer.alloc(7)),
    ]);
    const data = (await decode(file)).samples.data as Float32Array;
    expect(data.length).toBe(300);
    expect(Math.abs(data[100]! - input[0]![100]!)).toBeLessThanOrEqual(1 / 32768);
  });

  it("reads to the end when a streaming writer left the data size unknown (0xffffffff, espeak-ng's 0x7ffff000)", async () => {
    const input = channels(1, 257, 8000);
    for (const placeholder of [0xffffffff, 0x7ffff000]) {
      const file = encodeWav({ channels: input, rate: 8000 });
      file.writeUInt32LE(placeholder, file.length - 257 * 2 - 4);
      // A trailing odd byte is not a whole frame: ignored.
      const data = (await decode(Buffer.concat([file, Buffer.alloc(1)]))).samples.data as Float32Array;
      expect(data.length).toBe(257);
    }
  });

  it('reads a file from raw bytes as well as from base64', async () => {
    const file = encodeWav({ channels: channels(1, 64, 8000), rate: 8000 });
    const raw: Tensor = { name: 'audio', datatype: 'BYTES', shape: [1], data: [''], raw: [new Uint8Array(file)] };
    expect((await decode(raw)).samples.data).toEqual((await decode(file)).samples.data);
  });

  it('accepts exactly max_seconds and refuses one sample more', async () => {
    const second = encodeWav({ channels: [new Float32Array(8000)], rate: 8000, encoding: 'pcm8' });
    expect((await decode(second, { max_seconds: 1 })).samples.shape).toEqual([8000]);
    const longer = encodeWav({ channels: [new Float32Array(8001)], rate: 8000, encoding: 'pcm8' });
    const error = await refusal(longer, { max_seconds: 1 });
    expect(error.code).toBe('SLUICE_ERR_MEDIA_TOO_LARGE');
    expect(error.statusCode).toBe(413);
    expect(error.message).toMatch(/1\.0 s.*limit is 1 s/);
    // The default limit is an hour: 3601 s of 1 kHz 8-bit audio is refused.
    const hour = encodeWav({ channels: [new Float32Array(3601 * 1000)], rate: 1000, encoding: 'pcm8' });
    expect((await refusal(hour)).code).toBe('SLUICE_ERR_MEDIA_TOO_LARGE');
  });

  describe('refuses with SLUICE_ERR_INVALID_MEDIA', () => {
    const valid = (): Buffer => encodeWav({ channels: channels(1, 800, 8000), rate: 8000 });
    const withFmt = (fields: Partial<Parameters<typeof fmtChunk>[0]>, data = Buffer.alloc(64)): Buffer =>
      riff([fmtChunk({ tag: 1, channels: 1, rate: 8000, bits: 16, ...fields }), chunk('data', data)]);
    const cases: [string, () => Buffer | Tensor, RegExp][] = [
      ['a PNG', () => Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), /no RIFF\/WAVE header/],
      ['text', () => Buffer.from('hello, this is not audio'), /no RIFF\/WAVE header/],
      [
        'a RIFF that is not WAVE (AVI)',
        () => Buffer.concat([Buffer.from('RIFF\x04\x00\x00\x00AVI ', 'latin1'), Buffer.alloc(32)]),
        /RIFF\/WAVE/,
      ],
      ['a header cut off inside the fmt chunk', () => valid().subarray(0, 30), /truncated: "fmt " chunk declares 16 bytes/],
      [
        'a data chunk cut short',
        () => valid().subarray(0, valid().length - 100),
        /truncated: the data chunk declares 1600 bytes, the file holds 1500/,
      ],
      ['MS ADPCM (format 2)', () => withFmt({ tag: 2, bits: 4, channels: 1 }), /format 0x0002 .*not supported/],
      ['mu-law (format 7)', () => withFmt({ tag: 7, bits: 8 }), /format 0x0007/],
      ['extensible wrapping ADPCM', () => withFmt({ tag: 2, bits: 16, extensible: true }), /format 0x0002/],
      ['12-bit PCM', () => withFmt({ bits: 12 }), /12-bit samples is not supported/],
      ['16-bit float', () => withFmt({ tag: 3, bits: 16 }), /format 0x0003 with 16-bit/],
      ['zero channels', () => withFmt({ channels: 0 }), /0 channels/],
      ['a sample rate of 0 Hz', () => withFmt({ rate: 0 }), /sample rate 0 Hz/],
      ['a sample rate of 10 MHz', () => withFmt({ rate: 10_000_000 }), /sample rate 10000000 Hz/],
      ['no samples', () => withFmt({}, Buffer.alloc(0)), /holds no samples/],
      ['less than one frame of samples', () => withFmt({ channels: 2 }, Buffer.alloc(3)), /holds no samples/],
      [
        'the data chunk before the fmt chunk',
        () => riff([chunk('data', Buffer.alloc(64)), fmtChunk({ tag: 1, channels: 1, rate: 8000, bits: 16 })]),
        /before the fmt chunk/,
      ],
      ['no data chunk', () => riff([fmtChunk({ tag: 1, channels: 1, rate: 8000, bits: 16 })]), /no data chunk/],
      ['no fmt chunk', () => riff([chunk('LIST', Buffer.alloc(4))]), /no fmt chunk/],
      ['a short fmt chunk', () => riff([chunk('fmt ', Buffer.alloc(14)), chunk('data', Buffer.alloc(4))]), /fmt chunk has 14 bytes/],
      [
        'a block align that disagrees with the format',
        () => {
          const file = withFmt({ channels: 2 });
          file.writeUInt16LE(2, 12 + 8 + 12); // block align 2 for 2 x 16-bit
          return file;
        },
        /block align 2/,
      ],
      [
        'a float sample that is not finite',
        () => {
          const data = Buffer.alloc(8);
          data.writeFloatLE(0.5, 0);
          data.writeFloatLE(Number.NaN, 4);
          return riff([fmtChunk({ tag: 3, channels: 1, rate: 8000, bits: 32 }), chunk('data', data)]);
        },
        /sample 1 is not a finite number/,
      ],
      [
        'two files in one tensor',
        () => ({ name: 'audio', datatype: 'BYTES', shape: [2], data: [valid().toString('base64'), valid().toString('base64')] }) as Tensor,
        /exactly one audio file/,
      ],
      ['an empty element', () => ({ name: 'audio', datatype: 'BYTES', shape: [1], data: [''] }) as Tensor, /audio/],
      [
        'text that is not base64',
        () => ({ name: 'audio', datatype: 'BYTES', shape: [1], data: ['RIFF?*not base64*'] }) as Tensor,
        /base64/,
      ],
    ];
    for (const [what, make, message] of cases) {
      it(what, async () => {
        const error = await refusal(make());
        expect(error.code).toBe('SLUICE_ERR_INVALID_MEDIA');
        expect(error.statusCode).toBe(400);
        expect(error.message).toMatch(message);
      });
    }
  });

  it('never fails other than with a media code, whatever the bytes (random corruptions of valid files)', async () => {
    const encodings = Object.keys(QUANTUM) as SampleEncoding[];
    const seed = fc.record({
      encoding: fc.constantFrom(...encodings),
      extensible: fc.boolean(),
      channels: fc.integer({ min: 1, max: 3 }),
      frames: fc.integer({ min: 0, max: 40 }),
    });
    const edits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(seed, edits, fc.nat(), async (spec, changes, cut) => {
        const file = encodeWav({
          channels: channels(spec.channels, spec.frames, 8000),
          rate: 8000,
          encoding: spec.encoding,
          extensible: spec.extensible,
        });
        for (const [at, value] of changes) file[at % file.length] = value;
        const bytes = file.subarray(0, file.length - (cut % 4 === 0 ? cut % file.length : 0));
        try {
          await decode(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(SluiceError);
          expect(['SLUICE_ERR_INVALID_MEDIA', 'SLUICE_ERR_MEDIA_TOO_LARGE']).toContain((error as SluiceError).code);
        }
      }),
      { numRuns: 2000, seed: 14 },
    );
  });
});
