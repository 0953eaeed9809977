/**
 * Versions of the demo sentiment model that answer differently, for hot-swap tests: version k scales every
 * valence by k/10, so p(positive | "I love this") = sigmoid(3 * k / 10) tells which version really answered.
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSentimentModel } from '../../demo/build-demo-repository.js';
import { DEMO_MODELS, postJson, type TestServer } from './test-server.js';

export const PROBE_TEXT = 'I love this';

export function expectedPositive(version: number): number {
  return 1 / (1 + Math.exp(-3 * (version / 10)));
}

export function sentimentRepository(config: Record<string, unknown> = {}): { dir: string; modelDir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-swap-'));
  const modelDir = path.join(dir, 'sentiment');
  mkdirSync(modelDir);
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(path.join(DEMO_MODELS, 'sentiment', file), path.join(modelDir, file));
  writeFileSync(
    path.join(modelDir, 'config.json'),
    JSON.stringify({ task: 'text-classification', labels: ['negative', 'positive'], tokenizer: 'tokenizer.json', ...config }),
  );
  return { dir, modelDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes version k completely, then moves it into place in one rename (with a READY marker). */
export function publishVersion(modelDir: string, version: number, bytes: Uint8Array = buildSentimentModel({ scale: version / 10 })): void {
  const staging = path.join(modelDir, `.staging-${version}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, 'model.onnx'), bytes);
  writeFileSync(path.join(staging, 'READY'), '');
  renameSync(staging, path.join(modelDir, String(version)));
}

/** Asks the server which version answers PROBE_TEXT, and what it answered. */
export async function probeSentiment(server: TestServer, path = '') {
  const { status, json, text } = await postJson(
    `${server.url}/v2/models/sentiment${path}/infer`,
    {
      inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [PROBE_TEXT] }],
      outputs: [{ name: 'probabilities' }],
    },
    server.auth,
  );
  return { status, text, version: Number(json?.model_version), positive: json?.outputs?.[0]?.data[1] as number | undefined };
}
