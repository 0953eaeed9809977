/** Shared by the enterprise command lines: usage errors exit 2, a failed check exits 1. */
export class UsageError extends Error {}

export function fail(message: string): never {
  throw new UsageError(message);
}

export function runMain(name: string, main: (argv: string[]) => Promise<number>, argv: string[]): void {
  main(argv).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    const expected = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') || (error as Error).name === 'ConfigError';
    process.stderr.write(`${name}: ${expected ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  });
}

export function parseDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) fail(`--${flag} must be an ISO 8601 date (e.g. 2026-12-31), got "${value}"`);
  return new Date(ms);
}

export function isMainModule(file: RegExp): boolean {
  return file.test(process.argv[1] ?? '');
}
