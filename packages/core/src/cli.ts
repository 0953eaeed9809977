#!/usr/bin/env node
/**
 * The `sluice` command. `sluice serve` runs the server; later verbs (models, keys, db) talk to a running
 * server or to the data directory.
 */
import { parseArgs } from 'node:util';
import { OPTION_SPECS, resolveConfig } from './config.js';
import { ConfigError } from './errors.js';
import { exitOnSignals, startServer } from './server.js';
import { SERVER_VERSION } from './version.js';
import { createFirstAdminKeyIfNone, firstAdminKeyBanner } from './auth/first-admin-key.js';
import { withApiKeys } from './auth/with-api-keys.js';
import { dbCommand } from './cli/db-command.js';
import { keysCommand } from './cli/keys-command.js';
import { RemoteError, modelsCommand } from './cli/models-command.js';
import { findPluginCommand } from './cli/plugin-commands.js';

const USAGE = `sluice ${SERVER_VERSION} — self-hosted ONNX model serving

Usage:
  sluice serve [options]     start the server (the first start prints an admin API key once)
  sluice keys create|list|revoke   manage API keys in the data directory (sluice keys --help)
  sluice db migrate          apply database migrations to the data directory
  sluice models list|load|unload   manage the models of a running server (sluice models --help)
  sluice <verb> ...          a command of a plugin listed in SLUICE_PLUGINS (e.g. @sluice/enterprise:
                             sluice audit verify|export, sluice usage export)

Options (flags win over environment variables, which win over the config file):
  --config FILE              JSON config file (env SLUICE_CONFIG)
${OPTION_SPECS.map((s) => `  --${s.flag.padEnd(24)} ${s.description} (env ${s.env})`).join('\n')}
  -h, --help                 show this help
  -v, --version              print the version
`;

async function serve(argv: string[]): Promise<void> {
  const options = Object.fromEntries([['config', { type: 'string' as const }], ...OPTION_SPECS.map((s) => [s.flag, { type: 'string' as const }])]);
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const config = resolveConfig({ flags: values as Record<string, string | undefined> });
  const firstKey = withApiKeys(config.data, createFirstAdminKeyIfNone);
  if (firstKey) process.stderr.write(`${firstAdminKeyBanner(firstKey, config.data)}\n`);
  const server = await startServer(config);
  exitOnSignals(server);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'serve') return serve(rest);
  if (command === 'keys') return keysCommand(rest);
  if (command === 'db') return dbCommand(rest);
  if (command === 'models') return modelsCommand(rest);
  const found = await findPluginCommand(command);
  if ('command' in found) {
    process.exitCode = await found.command(rest);
    return;
  }
  const more = found.available.length > 0 ? `; plugin commands: ${found.available.join(', ')}` : '';
  throw new ConfigError('command', `unknown command "${command}" (try: sluice --help${more})`);
}

function isMainModule(): boolean {
  const entry = process.argv[1] ?? '';
  // bin/sluice.js imports this module and calls main() itself.
  return /(?:^|[\\/])cli\.(?:ts|js)$/.test(entry);
}

/** Runs the command line; usage and configuration mistakes exit 2, a server's refusal exits 1. */
export function run(argv: string[]): void {
  main(argv).catch((error: unknown) => {
    const expected = error instanceof ConfigError || error instanceof RemoteError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`sluice: ${expected ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    process.exit(error instanceof RemoteError ? 1 : 2);
  });
}

if (isMainModule()) run(process.argv.slice(2));
