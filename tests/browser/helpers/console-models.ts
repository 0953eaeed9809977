/**
 * The model repository the browser tests serve: a private copy of every demo model, plus a second version of
 * `sentiment` that answers the opposite way (its valences negated), so a traffic split is visible in what the
 * model says: "I love this" comes back positive from version 1 and negative from version 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSentimentModel } from '../../../demo/build-demo-repository.js';
import { publishVersion } from '../../helpers/sentiment-versions.js';
import { copyDemoModels } from '../../helpers/test-server.js';

export const DEMO_MODEL_NAMES = ['sentiment', 'ocr-detector', 'ocr-direction', 'silero-vad'] as const;
export const INVERTED_SENTIMENT_VERSION = 2;

export function consoleModelRepository(): { dir: string; remove(): void } {
  const repository = copyDemoModels([...DEMO_MODEL_NAMES]);
  const modelDir = path.join(repository.dir, 'sentiment');
  const configFile = path.join(modelDir, 'config.json');
  // Serve every version (the default policy serves the latest only), so a split can send traffic to either;
  // requests that name no version keep going to version 1 until a split says otherwise.
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, version_policy: { all: {} }, aliases: { default: 1 } }, null, 2));
  publishVersion(modelDir, INVERTED_SENTIMENT_VERSION, buildSentimentModel({ scale: -1 }));
  return repository;
}
