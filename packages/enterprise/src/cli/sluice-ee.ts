#!/usr/bin/env node
/**
 * `sluice-ee`: enterprise verbs that work on a data directory, with or without a running server (core's
 * `sluice` cannot name enterprise commands: core never depends on enterprise).
 *   sluice-ee audit verify  [--data DIR]                     (the issue's `sluice audit verify`)
 *   sluice-ee audit export  [--data DIR] --format jsonl|csv [--from --to] [--out FILE]
 *   sluice-ee usage export  [--data DIR] --from --to --format csv|json [--granularity] [--group-by] [--out FILE]
 *                                                           (the issue's `sluice usage export`)
 * Reading data needs no license: the data is the customer's.
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
import { fail, isMainModule, parseDate, runMain } from './cli-support.js';

const USAGE = `sluice-ee — Sluice Enterprise data tools (audit log, usage)

Usage:
  sluice-ee audit verify [--data DIR]
      checks the audit hash chain; exit 0 when intact, 1 naming the first bad entry
  sluice-ee audit export [--data DIR] [--format jsonl|csv] [--from DATE] [--to DATE] [--out FILE]
  sluice-ee usage export [--data DIR] --from DATE --to DATE [--format csv|json]
                         [--granularity minute|hour|day] [--group-by key,model,version,time] [--out FILE]

--data defaults to SLUICE_DATA, else ./.sluice-data (as for \`sluice serve\`).
`;

const dataDirOf = (value: string | undefined) => value ?? process.env.SLUICE_DATA ?? '.sluice-data';

function auditVerify(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const result = verifyAuditChain(db.core.sqlite);
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.ok) process.stdout.write(`audit log intact: ${result.checked} entries (seq ${result.anchorSeq + 1}..${result.headSeq}), head hash ${result.headHash}\n`);
    else process.stdout.write(`audit log TAMPERED: first bad entry seq ${result.firstBad!.seq} (${result.firstBad!.kind}): ${result.firstBad!.message}\n`);
    return result.ok ? 0 : 1;
  } finally {
    db.close();
  }
}

async function auditExport(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' }, format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } }, strict: true });
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') fail('--format must be jsonl or csv');
  const from = parseDate(values.from, 'from');
  const to = parseDate(values.to, 'to');
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  const out = values.out ? createWriteStream(values.out) : process.stdout;
  try {
    const store = createAuditStore(db);
    if (format === 'csv') out.write(auditCsvHeader());
    for (const entry of store.iterate({ ...(from ? { from: from.toISOString() } : {}), ...(to ? { to: to.toISOString() } : {}) })) {
      if (!out.write(format === 'csv' ? auditCsvLine(entry) : auditJsonLine(entry))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
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
    options: { data: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' }, granularity: { type: 'string' }, 'group-by': { type: 'string' }, out: { type: 'string' } },
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
  const db = openEnterpriseDatabase(dataDirOf(values.data));
  try {
    const silent = { error: () => undefined } as unknown as Parameters<typeof createMeteringService>[0]['logger'];
    const metering = createMeteringService({ db, clock: systemClock, logger: silent, settings: { flushMs: 1000, minuteRetentionDays: 7, hourRetentionDays: 90 } });
    const query = { from: from.getTime(), to: to.getTime(), granularity, groupBy };
    const rows = metering.usage(query);
    metering.stop();
    const text = format === 'csv' ? usageToCsv(rows, groupBy) : usageToJson(rows, query);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    return 0;
  } finally {
    db.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [area, verb, ...rest] = argv;
  if (area === 'audit' && verb === 'verify') return auditVerify(rest);
  if (area === 'audit' && verb === 'export') return auditExport(rest);
  if (area === 'usage' && verb === 'export') return usageExport(rest);
  process.stdout.write(USAGE);
  return area === undefined || area === '--help' || area === '-h' ? 0 : 2;
}

if (isMainModule(/sluice-ee\.(?:ts|js)$/)) runMain('sluice-ee', main, process.argv.slice(2));
