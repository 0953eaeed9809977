/**
 * Makes sure packages/core/console-dist/ holds a build of the current console sources: tests that serve or
 * inspect the console need it. Rebuilds (vite build, a few seconds) only when a source is newer than the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
export const CONSOLE_SOURCE_DIR = join(ROOT, 'packages', 'core', 'console');
export const CONSOLE_DIST_DIR = join(ROOT, 'packages', 'core', 'console-dist');
const CONFIG = join(CONSOLE_SOURCE_DIR, 'vite.config.ts');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

export function consoleBuildIsCurrent(): boolean {
  const index = join(CONSOLE_DIST_DIR, 'index.html');
  if (!existsSync(index)) return false;
  return statSync(index).mtimeMs >= newestMtime(CONSOLE_SOURCE_DIR);
}

export function ensureConsoleBuilt(): void {
  if (consoleBuildIsCurrent()) return;
  const viteBin = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  execFileSync(process.execPath, [viteBin, 'build', '--config', CONFIG, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
