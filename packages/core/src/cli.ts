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

const USAGE = `sluice ${SERVER_VERSION} — self-hosted ONNX model serving

Usage:
  sluice serve [options]     start the server

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
  throw new ConfigError('command', `unknown command "${command}" (try: sluice --help)`);
}

function isMainModule(): boolean {
  const entry = process.argv[1] ?? '';
  // bin/sluice.js imports this module and calls main() itself.
  return /(?:^|[\\/])cli\.(?:ts|js)$/.test(entry);
}

if (isMainModule()) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? (error as Error).message
      : (error as Error).stack ?? String(error);
    process.stderr.write(`sluice: ${message}\n`);
    process.exit(2);
  });
}
