/** Shared by the enterprise command lines: usage errors exit 2, a failed check exits 1. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASE_FILE } from '@sluice/core';

export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

/** An operating-system error (a missing file, a folder that is not writable): its message is one clear line. */
function isSystemError(error: unknown): boolean {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string';
}

export function runMain(name: string, main: (argv: string[]) => Promise<number>, argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usageMistake =
        error instanceof UsageError ||
        Boolean((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) ||
        (error as Error).name === 'ConfigError';
      const oneLine = usageMistake || isSystemError(error);
      process.stderr.write(`${name}: ${oneLine ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
      process.exitCode = usageMistake ? 2 : 1;
    },
  );
}

export function parseDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) fail(`--${flag} must be an ISO 8601 date (e.g. 2026-12-31), got "${value}"`);
  return new Date(ms);
}

/** `--help`/`-h` among a verb's arguments asks for that verb's usage. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--help' || arg === '-h');
}

/**
 * For verbs that read a data directory: one that holds no database is a mistyped --data, not an empty log
 * (opening it would create an empty database and report on that).
 */
export function existingDataDir(dir: string): string {
  if (!existsSync(path.join(dir, DATABASE_FILE))) {
    fail(
      `${path.resolve(dir)} holds no Sluice database (${existsSync(dir) ? `no ${DATABASE_FILE} there` : 'the directory does not exist'}); check --data or SLUICE_DATA`,
    );
  }
  return dir;
}

/** --out FILE must go to a folder that exists: checked before any work, so the error is one clear line. */
export function outputFile(file: string | undefined, flag = 'out'): string | undefined {
  if (file === undefined) return undefined;
  const folder = path.dirname(path.resolve(file));
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) fail(`--${flag} ${file}: the folder ${folder} does not exist`);
  return file;
}

/**
 * True when this module is the program node was started with. A bin script that imports the module and calls
 * runMain itself is not: comparing exact files (not a name pattern, which the bin's own name matches) keeps
 * the command from running twice.
 */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
