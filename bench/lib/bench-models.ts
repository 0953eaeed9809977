/** Model repositories for bench scenarios, generated into a temp directory (nothing large is committed). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_MODELS_DIR, buildDemoRepository } from '../../demo/build-demo-repository.js';

export { writeEncoderModel } from '../../tests/helpers/batching-models.js';

export function tempRepository(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `sluice-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the demo model `name` into `dir` as `as`, optionally with dynamic batching added to its config. */
export function copyDemoModel(dir: string, name: string, as: string, dynamicBatching?: Record<string, unknown>): void {
  buildDemoRepository(); // a no-op when up to date
  cpSync(path.join(DEFAULT_MODELS_DIR, name), path.join(dir, as), { recursive: true });
  if (dynamicBatching) {
    const configPath = path.join(dir, as, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(configPath, JSON.stringify({ ...config, dynamic_batching: dynamicBatching }, null, 2));
  }
}
