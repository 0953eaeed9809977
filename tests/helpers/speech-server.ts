/**
 * A real Sluice server for the voice activity tests, and the two ways a client sends it a WAV file: V2 JSON (the
 * file's base64 in a BYTES element) and a multipart upload. The server runs with its default limits: files sent
 * to a pipeline are bounded by the body size and the decoding step, not by the text limits.
 */
import type { BuildAppOptions } from '../../packages/core/src/app.js';
import { postJson, startTestServer, type TestServer } from './test-server.js';

export function startSpeechServer(options: BuildAppOptions = {}): Promise<TestServer> {
  return startTestServer(options);
}

export function postWavJson(server: TestServer, model: string, file: Buffer) {
  const body = { inputs: [{ name: 'audio', datatype: 'BYTES', shape: [1], data: [file.toString('base64')] }] };
  return postJson(`${server.url}/v2/models/${model}/infer`, body, server.auth);
}

export async function postWavMultipart(server: TestServer, model: string, file: Buffer) {
  const form = new FormData();
  form.append('audio', new Blob([new Uint8Array(file)], { type: 'audio/wav' }), 'speech.wav');
  const response = await fetch(`${server.url}/v2/models/${model}/infer/multipart`, { method: 'POST', body: form, headers: server.auth });
  return { status: response.status, json: (await response.json()) as any };
}

export interface Segment {
  start: number;
  end: number;
  probability: number;
}

/** The `segments` [S,2] and `probabilities` [S] of a vad answer, paired. */
export function segmentsOf(json: any): Segment[] {
  const segments = json.outputs.find((o: any) => o.name === 'segments');
  const probabilities = json.outputs.find((o: any) => o.name === 'probabilities');
  if (segments.shape[0] !== probabilities.shape[0] || segments.shape[1] !== 2) throw new Error('segments and probabilities disagree');
  return (probabilities.data as number[]).map((probability, i) => ({
    start: segments.data[2 * i] as number,
    end: segments.data[2 * i + 1] as number,
    probability,
  }));
}
