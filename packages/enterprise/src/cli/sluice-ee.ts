#!/usr/bin/env node
/**
 * `sluice-ee`: enterprise verbs that work on a data directory, with or without a running server:
 *   audit verify, audit export, usage export, license status, license trial (see COMMAND_USAGE).
 * Core's `sluice` runs the same verbs (`sluice audit verify`) when SLUICE_PLUGINS names this package: its
 * `cliCommands` call main() with the program name `sluice`. Reading data needs no license: the data is the
 * customer's.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAuditStore } from '../audit/audit-store.js';
import { auditCsvHeader, auditCsvLine, auditJsonLine } from '../audit/audit-export.js';
import { verifyAuditChain } from '../audit/audit-verify.js';
import { systemClock } from '../clock.js';
import { openEnterpriseDatabase } from '../db/enterprise-database.js';
import { GRANULARITIES, type Granularity } from '../metering/buckets.js';
import { createMeteringService, GROUP_BY_FIELDS, type GroupBy } from '../metering/metering-service.js';
import { usageToCsv, usageToJson } from '../metering/usage-export.js';
import { LICENSE_COMMAND_USAGE, licenseStatusCommand, licenseTrialCommand } from './license-command.js';
import { existingDataDir, fail, isMainModule, outputFile, parseDate, runMain, wantsHelp } from './cli-support.js';

/** Each command's usage, without the program name: `sluice-ee` run alone, `sluice` through the plugin. */
const COMMAND_USAGE = {
  'audit verify': `audit verify [--data DIR] [--json]
      checks the audit hash chain; exit 0 when intact, 1 naming the first bad entry`,
  'audit export': `audit export [--data DIR] [--format jsonl|csv] [--from DATE] [--to DATE] [--out FILE]
      writes the audit log (JSON lines or CSV) to FILE or stdout`,
  'usage export': `usage export [--data DIR] --from DATE --to DATE [--format csv|json]
                         [--granularity minute|hour|day] [--group-by key,model,version,time] [--out FILE]
      writes usage per key and model for billing`,
  ...LICENSE_COMMAND_USAGE,
} as const;

type CommandName = keyof typeof COMMAND_USAGE;

function usage(program: string, commands: CommandName[] = Object.keys(COMMAND_USAGE) as CommandName[]): string {
  const title = program === 'sluice-ee' ? 'sluice-ee — Sluice Enterprise data tools (audit log, usage, license and trial)\n\n' : '';
  return `${title}Usage:\n${commands.map((name) => `  ${program} ${COMMAND_USAGE[name]}`).join('\n')}

--data defaults to SLUICE_DATA, else ./.sluice-data (as for \`sluice serve\`); it must hold a Sluice database.
`;
}

const dataDirOf = (value: string | undefined) => existingDataDir(value ?? process.env.SLUICE_DATA ?? '.sluice-data');

function auditVerify(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const result = verifyAuditChain(db.core.sqlite);
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok)
      process.stdout.write(
        `audit log intact: ${result.checked} entries (seq ${result.anchorSeq + 1}..${result.headSeq}), head hash ${result.headHash}\n`,
      );
    else
      process.stdout.write(
        `audit log TAMPERED: first bad entry seq ${result.firstBad!.seq} (${result.firstBad!.kind}): ${result.firstBad!.message}\n`,
      );
    return result.ok ? 0 : 1;
  } finally {
    db.close();
  }
}

async function auditExport(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      format: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') fail('--format must be jsonl or csv');
  const from = parseDate(values.from, 'from');
  const to = parseDate(values.to, 'to');
  const outFile = outputFile(values.out);
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  const out = outFile ? createWriteStream(outFile) : process.stdout;
  try {
    const store = createAuditStore(db);
    if (format === 'csv') out.write(auditCsvHeader());
    for (const entry of store.iterate({ ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) })) {
      if (!out.write(format === 'csv' ? auditCsvLine(entry) : auditJsonLine(entry)))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    db.close();
    if (values.out) await new Promise<void>((resolve) => (out as NodeJS.WritableStream).end(() => resolve()));
  }
  return 0;
}

function usageExport(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string' },
      granularity: { type: 'string' },
      'group-by': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const from = parseDate(values.from, 'from') ?? fail('usage export needs --from DATE');
  const to = parseDate(values.to, 'to') ?? fail('usage export needs --to DATE');
  if (from >= to) fail('--from must be before --to');
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') fail('--format must be csv or json');
  const granularity = (values.granularity ?? 'day') as Granularity;
  if (!GRANULARITIES.includes(granularity)) fail(`--granularity must be one of ${GRANULARITIES.join(', ')}`);
  const groupBy = (values['group-by'] ?? 'key,model').split(',').map((s) => s.trim()) as GroupBy[];
  for (const g of groupBy) if (!GROUP_BY_FIELDS.includes(g)) fail(`--group-by accepts ${GROUP_BY_FIELDS.join(', ')}; got "${g}"`);
  const outFile = outputFile(values.out);
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const silent = { error: () => undefined } as unknown as Parameters<typeof createMeteringService>[0]['logger'];
    const metering = createMeteringService({
      db,
      clock: systemClock,
      logger: silent,
      settings: { flushMs: 1000, minuteRetentionDays: 7, hourRetentionDays: 90 },
    });
    const query = { from: from.getTime(), to: to.getTime(), granularity, groupBy };
    const rows = metering.usage(query);
    metering.stop();
    const text = format === 'csv' ? usageToCsv(rows, groupBy) : usageToJson(rows, query);
    if (outFile) writeFileSync(outFile, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    db.close();
  }
}

const COMMANDS: Record<CommandName, (argv: string[]) => number | Promise<number>> = {
  'audit verify': auditVerify,
  'audit export': auditExport,
  'usage export': usageExport,
  'license status': licenseStatusCommand,
  'license trial': licenseTrialCommand,
};

/** `program` names the command in usage: `sluice-ee` run alone, `sluice` when core's CLI runs it as a plugin verb. */
export async function main(argv: string[], program = 'sluice-ee'): Promise<number> {
  const [area, verb, ...rest] = argv;
  if (area === undefined || area === '--help' || area === '-h' || area === 'help') {
    process.stdout.write(usage(program));
    return 0;
  }
  const name = `${area} ${verb}` as CommandName;
  if (name in COMMANDS) {
    if (wantsHelp(rest)) {
      process.stdout.write(usage(program, [name]));
      return 0;
    }
    return COMMANDS[name](rest);
  }
  const inArea = (Object.keys(COMMANDS) as CommandName[]).filter((command) => command.startsWith(`${area} `));
  if (inArea.length > 0 && (verb === undefined || verb === '--help' || verb === '-h')) {
    process.stdout.write(usage(program, inArea));
    return 0;
  }
  process.stderr.write(
    `${program}: unknown command "${argv.slice(0, 2).join(' ')}"\n${usage(program, inArea.length > 0 ? inArea : undefined)}`,
  );
  return 2;
}

if (isMainModule(import.meta.url)) runMain('sluice-ee', main, process.argv.slice(2));
