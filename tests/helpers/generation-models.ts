/** Decoder folders for the generation tests, written into a model repository (`<repo>/<name>/<version>/`). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tinyDecoder, writeDecoderModel, type DecoderFamily, type DecoderModelOptions } from '../../demo/decoder/index.js';

/**
 * A decoder without end tokens (its config files name none), so a generation runs to max_tokens: for tests
 * that need a stream to last (cancellation, timeout, hot swap) whatever the random weights would say.
 */
export function writeEndlessDecoder(
  repository: string,
  name: string,
  version = 1,
  overrides: Partial<DecoderModelOptions> = {},
  family: DecoderFamily = 'llama',
): void {
  const dir = path.join(repository, name, String(version));
  writeDecoderModel(dir, tinyDecoder(family, overrides));
  for (const file of ['config.json', 'generation_config.json']) {
    const json = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    delete json.eos_token_id;
    writeFileSync(path.join(dir, file), JSON.stringify(json));
  }
}

/** One series' value from the /metrics text (0 when absent). */
export function metricValue(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
