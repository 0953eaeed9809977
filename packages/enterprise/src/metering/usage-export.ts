/** Usage export formats for billing: CSV (header + one row per group) or JSON ({from, to, granularity, rows}). */
import { csvLine } from '../csv.js';
import type { GroupBy, UsageRow } from './metering-service.js';

export function usageCsvColumns(groupBy: readonly GroupBy[]): string[] {
  const columns: string[] = [];
  if (groupBy.includes('time')) columns.push('time');
  if (groupBy.includes('key')) columns.push('key', 'key_kind');
  if (groupBy.includes('model')) columns.push('model');
  if (groupBy.includes('version')) columns.push('version');
  return [...columns, 'requests', 'items', 'tokens', 'compute_ms', 'errors'];
}

export function usageToCsv(rows: readonly UsageRow[], groupBy: readonly GroupBy[]): string {
  const columns = usageCsvColumns(groupBy);
  const value = (row: UsageRow, column: string): unknown =>
    ({
      time: row.time,
      key: row.key,
      key_kind: row.keyKind,
      model: row.model,
      version: row.version,
      requests: row.requests,
      items: row.items,
      tokens: row.tokens,
      compute_ms: row.computeMs,
      errors: row.errors,
    })[column];
  return csvLine(columns) + rows.map((row) => csvLine(columns.map((c) => value(row, c)))).join('');
}

export function usageToJson(
  rows: readonly UsageRow[],
  meta: { from: number; to: number; granularity: string; groupBy: readonly GroupBy[] },
): string {
  return `${JSON.stringify({ from: new Date(meta.from).toISOString(), to: new Date(meta.to).toISOString(), granularity: meta.granularity, groupBy: meta.groupBy, rows }, null, 2)}\n`;
}
