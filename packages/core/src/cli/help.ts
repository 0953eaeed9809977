/** `--help`/`-h` anywhere in a verb's arguments asks for that verb's usage (exit 0), before anything runs. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export function printUsage(usage: string): void {
  process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
}
