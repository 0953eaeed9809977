#!/usr/bin/env node
/**
 * The `sluice` command. `sluice serve` runs the server; later verbs (models, keys, db) talk to a running
 * server or to the data directory.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { OPTION_SPECS, resolveConfig } from './config.js';
import { ConfigError } from './errors.js';
import { StartupError, exitOnSignals, startServer } from './server.js';
import { SERVER_VERSION } from './version.js';
import { createFirstAdminKeyIfNone, firstAdminKeyBanner } from './auth/first-admin-key.js';
import { dbCommand } from './cli/db-command.js';
import { printUsage, wantsHelp } from './cli/help.js';
import { keysCommand } from './cli/keys-command.js';
import { RemoteError, modelsCommand } from './cli/models-command.js';
import { findPluginCommand } from './cli/plugin-commands.js';

const OPTIONS_HELP = `Options (flags win over environment variables, which win over the config file):
  --config FILE              JSON config file (env SLUICE_CONFIG)
${OPTION_SPECS.map((s) => `  --${s.flag.padEnd(24)} ${s.description} (env ${s.env})`).join('\n')}
`;

const SERVE_USAGE = `Usage:
  sluice serve [options]     start the server (the first start prints an admin API key once it listens)

${OPTIONS_HELP}`;

const USAGE = `sluice ${SERVER_VERSION} — self-hosted ONNX model serving

Usage:
  sluice serve [options]     start the server (sluice serve --help lists the options)
  sluice keys create|list|revoke   manage API keys in the data directory (sluice keys --help)
  sluice db migrate          apply database migrations to the data directory
  sluice models list|load|unload   manage the models of a running server (sluice models --help)
  sluice <verb> ...          a command of a plugin listed in SLUICE_PLUGINS (e.g. @sluice/enterprise:
                             sluice audit verify|export, sluice usage export,
                             sluice license status|trial)
  sluice VERB --help         that verb's usage
  -h, --help                 show this help
  -v, --version              print the version

${OPTIONS_HELP}`;

/** Verbs the enterprise plugin adds: without it, say how to get them rather than "unknown command". */
const ENTERPRISE_VERBS = ['audit', 'usage', 'license'];

async function serve(argv: string[]): Promise<void> {
  if (wantsHelp(argv)) {
    printUsage(SERVE_USAGE);
    return;
  }
  const options = Object.fromEntries([
    ['config', { type: 'string' as const }],
    ...OPTION_SPECS.map((s) => [s.flag, { type: 'string' as const }]),
  ]);
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const config = resolveConfig({ flags: values as Record<string, string | undefined> });
  const server = await startServer(config, {
    // Only once the port is bound: a start that fails must not swallow the one showing of a new key.
    onListening: (app) => {
      const firstKey = createFirstAdminKeyIfNone(app.sluice.apiKeys);
      if (firstKey) process.stderr.write(`${firstAdminKeyBanner(firstKey, config.data)}\n`);
    },
  });
  exitOnSignals(server);
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return;
  }
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    printUsage(USAGE);
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
  if (ENTERPRISE_VERBS.includes(command) && found.plugins.length === 0) {
    throw new ConfigError(
      'command',
      `"sluice ${command}" comes with the enterprise plugin: set SLUICE_PLUGINS=@sluice/enterprise (the Docker image sets it)`,
    );
  }
  const more = found.available.length > 0 ? `; plugin commands: ${found.available.join(', ')}` : '';
  throw new ConfigError('command', `unknown command "${command}" (try: sluice --help${more})`);
}

function isMainModule(): boolean {
  // bin/sluice.js imports this module and calls run() itself: only a direct `node cli.js` runs it here.
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/** An operating-system error (a missing file, a folder that is not writable): its message is one clear line. */
function isSystemError(error: unknown): boolean {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof syscall === 'string';
}

/**
 * Runs the command line. Usage and configuration mistakes exit 2; a server's refusal, a start that fails
 * (port taken, directory not writable) or a file the system refuses exit 1. All of them are one line on
 * stderr; only a fault in Sluice itself prints a stack trace.
 */
export function run(argv: string[]): void {
  main(argv).catch((error: unknown) => {
    const usageMistake = error instanceof ConfigError || Boolean((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'));
    const failure = error instanceof RemoteError || error instanceof StartupError || isSystemError(error);
    process.stderr.write(`sluice: ${usageMistake || failure ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
    process.exit(usageMistake ? 2 : 1);
  });
}

if (isMainModule()) run(process.argv.slice(2));
