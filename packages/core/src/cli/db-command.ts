/** `sluice db migrate`: bring the data directory's database up to date (the server also does this at start). */
import { parseArgs } from 'node:util';
import { openCoreDatabase } from '../db/open.js';
import { ConfigError } from '../errors.js';
import { resolveDataDir } from './data-dir.js';
import { asksForGroupUsage, printUsage, wantsHelp } from './help.js';

export const DB_USAGE = `Usage:
  sluice db migrate [--data DIR] [--config FILE] [--json]
      creates the database when the data directory has none, else applies the migrations it lacks
`;

export function dbCommand(argv: string[]): void {
  const [verb, ...rest] = argv;
  if (asksForGroupUsage(verb) || wantsHelp(rest)) {
    printUsage(DB_USAGE);
    return;
  }
  if (verb !== 'migrate') throw new ConfigError('db', `unknown verb "${verb}" (sluice db migrate; see sluice db --help)`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { data: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
  });
  const database = openCoreDatabase(resolveDataDir(values));
  try {
    const { applied } = database.migrations;
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ file: database.file, applied })}\n`
        : applied.length > 0
          ? `applied ${applied.join(', ')} to ${database.file}\n`
          : `${database.file} is up to date\n`,
    );
  } finally {
    database.close();
  }
}
