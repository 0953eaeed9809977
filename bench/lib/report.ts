/** Prints a scenario's rows and ratios as aligned tables and writes every result to bench/results/*.json. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import path from 'node:path';
import type { ScenarioResult } from './scenario.js';

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '' : value.toFixed(digits));

export function formatScenario(name: string, result: ScenarioResult): string {
  const rows = result.rows.map((r) => [
    r.name,
    r.concurrency === undefined ? '' : String(r.concurrency),
    `${fixed(r.throughput)} ${r.unit}`,
    fixed(r.p50Ms),
    fixed(r.p99Ms),
    r.errors === undefined ? '' : String(r.errors),
    r.note ?? '',
  ]);
  const ratios = result.ratios.map((r) => [
    r.name,
    r.value.toFixed(2),
    r.target === undefined ? '' : `>= ${r.target}`,
    r.target === undefined ? '' : r.value >= r.target ? 'met' : 'MISSED',
  ]);
  return [
    `## ${name}`,
    table(['measurement', 'conc.', 'throughput', 'p50 ms', 'p99 ms', 'errors', 'note'], rows),
    '',
    table(['ratio', 'value', 'target', ''], ratios),
    ...result.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}

export function writeResults(results: Record<string, ScenarioResult>, directory: string): string {
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: availableParallelism(), cpuModel: cpus()[0]?.model, memoryBytes: totalmem(), node: process.version };
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  return file;
}
