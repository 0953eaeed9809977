/**
 * Makes sure packages/enterprise/console-dist/ holds a build of the current enterprise console pages (tests that
 * serve or drive them need it). Rebuilds with Vite (a few seconds) only when a source is newer than the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const EE_CONSOLE_SOURCE_DIR = join(ROOT, 'packages', 'enterprise', 'console');
export const EE_CONSOLE_DIST_DIR = join(ROOT, 'packages', 'enterprise', 'console-dist');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

export function ensureEnterpriseConsoleBuilt(): void {
  const marker = join(EE_CONSOLE_DIST_DIR, 'license.js');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(EE_CONSOLE_SOURCE_DIR)) return;
  const viteBin = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  execFileSync(process.execPath, [viteBin, 'build', '--config', join(EE_CONSOLE_SOURCE_DIR, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
