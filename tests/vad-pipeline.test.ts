/**
 * The demo `vad` pipeline through the real server, without speech (tests/audio/ has the espeak-ng recordings):
 * its V2 metadata, an answer with no segments for silence, and every bad file refused with a 4xx whose code says
 * why and whose message names the step, never a 5xx or a server path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, postJson, type TestServer } from './helpers/test-server.js';
import { postWavJson, postWavMultipart, segmentsOf, startSpeechServer } from './helpers/speech-server.js';
import { chunk, encodeWav, fmtChunk, riff } from './helpers/speech-wav.js';

const silence = (seconds: number, rate = 16_000): Float32Array => new Float32Array(Math.round(seconds * rate));

describe('the demo vad pipeline', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startSpeechServer();
  });
  afterAll(async () => server?.close());

  it('is served with V2 metadata: one WAV in, segments and their probabilities out', async () => {
    const { status, json } = await getJson(`${server.url}/v2/models/vad`, server.auth);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      name: 'vad',
      platform: 'ensemble',
      inputs: [{ name: 'audio', datatype: 'BYTES', shape: [1] }],
      outputs: [
        { name: 'segments', datatype: 'FP32', shape: [-1, 2] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1] },
      ],
    });
  });

  it('finds no speech in silence or a quiet hum, at any rate', async () => {
    const hum = Float32Array.from(silence(2, 44_100), (_, i) => 0.01 * Math.sin((2 * Math.PI * 50 * i) / 44_100));
    for (const [samples, rate] of [
      [silence(2.5), 16_000],
      [hum, 44_100],
    ] as const) {
      const { status, json } = await postWavJson(server, 'vad', encodeWav({ channels: [samples], rate }));
      expect(status).toBe(200);
      expect(json.outputs.map((o: any) => [o.name, o.shape])).toEqual([
        ['segments', [0, 2]],
        ['probabilities', [0]],
      ]);
      expect(segmentsOf(json)).toEqual([]);
    }
  });

  describe('refuses bad files with a 4xx naming the step', () => {
    const format = (fields: Partial<Parameters<typeof fmtChunk>[0]>, data = Buffer.alloc(3200)): Buffer =>
      riff([fmtChunk({ tag: 1, channels: 1, rate: 16_000, bits: 16, ...fields }), chunk('data', data)]);
    const valid = encodeWav({ channels: [silence(1)], rate: 16_000 });
    const cases: [string, Buffer, number, string, RegExp][] = [
      [
        'not a WAV (a PNG)',
        Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
        400,
        'SLUICE_ERR_INVALID_MEDIA',
        /no RIFF\/WAVE header/,
      ],
      ['a truncated WAV', valid.subarray(0, 2000), 400, 'SLUICE_ERR_INVALID_MEDIA', /truncated/],
      ['MS ADPCM (format 2)', format({ tag: 2, bits: 4 }), 400, 'SLUICE_ERR_INVALID_MEDIA', /format 0x0002/],
      ['zero channels', format({ channels: 0 }), 400, 'SLUICE_ERR_INVALID_MEDIA', /0 channels/],
      ['no samples', format({}, Buffer.alloc(0)), 400, 'SLUICE_ERR_INVALID_MEDIA', /no samples/],
      ['an absurd sample rate', format({ rate: 1_000_000 }), 400, 'SLUICE_ERR_INVALID_MEDIA', /sample rate 1000000 Hz/],
      // The demo accepts 10 minutes: 601 s of 1 kHz 8-bit audio (601 kB) is refused before it is decoded.
      [
        'audio longer than 10 minutes',
        encodeWav({ channels: [silence(601, 1000)], rate: 1000, encoding: 'pcm8' }),
        413,
        'SLUICE_ERR_MEDIA_TOO_LARGE',
        /601\.0 s, the limit is 600 s/,
      ],
    ];
    for (const [what, file, status, code, message] of cases) {
      it(`${what}: ${status} ${code}`, async () => {
        for (const answer of [await postWavJson(server, 'vad', file), await postWavMultipart(server, 'vad', file)]) {
          expect(answer.status).toBe(status);
          expect(answer.json.code).toBe(code);
          expect(answer.json.error).toMatch(/pipeline "vad" step "decode"/);
          expect(answer.json.error).toMatch(message);
          expect(answer.json.error).not.toMatch(/\/(tmp|work|home|root|usr)\//);
        }
      });
    }

    it('text that is not base64, and two files where one is expected', async () => {
      const url = `${server.url}/v2/models/vad/infer`;
      const notBase64 = await postJson(
        url,
        { inputs: [{ name: 'audio', datatype: 'BYTES', shape: [1], data: ['not base64!'] }] },
        server.auth,
      );
      expect(notBase64.status).toBe(400);
      expect(notBase64.json.code).toBe('SLUICE_ERR_INVALID_MEDIA');
      const two = valid.toString('base64');
      const twoFiles = await postJson(url, { inputs: [{ name: 'audio', datatype: 'BYTES', shape: [2], data: [two, two] }] }, server.auth);
      expect(twoFiles.status).toBeGreaterThanOrEqual(400);
      expect(twoFiles.status).toBeLessThan(500);
      expect(twoFiles.json.code).toMatch(/^SLUICE_ERR_/);
    });
  });
});
