import { ConfigError } from '../errors.js';

/** `--help`/`-h` anywhere in a verb's arguments asks for that verb's usage (exit 0), before anything runs. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export function printUsage(usage: string): void {
  process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
}

/** No verb, or `--help`/`-h`/`help` in its place: the command group's own usage. */
export function asksForGroupUsage(verb: string | undefined): boolean {
  return verb === undefined || verb === '' || verb === '--help' || verb === '-h' || verb === 'help';
}

/**
 * The help part of a `sluice <group> <verb> ...` command: prints the group's or the verb's usage when asked
 * (returns true: nothing more to run) and refuses an unknown verb; returns false when the verb should run.
 */
export function answerUsage(
  group: string,
  argv: readonly string[],
  usage: { group: string; verbs: Record<string, string>; common: string },
): boolean {
  const [verb, ...rest] = argv;
  if (asksForGroupUsage(verb)) {
    printUsage(usage.group);
    return true;
  }
  if (!Object.hasOwn(usage.verbs, verb!)) {
    throw new ConfigError(
      group,
      `unknown verb "${verb}" (sluice ${group} ${Object.keys(usage.verbs).join('|')}; see sluice ${group} --help)`,
    );
  }
  if (!wantsHelp(rest)) return false;
  printUsage(`Usage:\n${usage.verbs[verb!]}\n${usage.common}`);
  return true;
}
