/**
 * Turns usage rows (one per bucket and group) into chart series: every bucket of the range on the x axis (empty
 * buckets count 0), the biggest groups as their own series, the rest summed as "Other" so the chart stays legible.
 */
import type { Dimension, Metric, UsageRow } from './usage-types.js';

const MAX_SERIES = 8;
const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export interface Series {
  label: string;
  values: number[];
  total: number;
}

export interface ChartData {
  /** Bucket starts, Unix seconds (uPlot's time unit). */
  times: number[];
  series: Series[];
}

/** The name a person knows a principal by: an API key's name, else its id (and its kind when not an API key). */
export function principalLabel(row: Pick<UsageRow, 'key' | 'keyKind'>, keyNames: ReadonlyMap<string, string>): string {
  if (!row.key) return '(none)';
  const name = keyNames.get(row.key);
  if (name) return name;
  return row.keyKind && row.keyKind !== 'api-key' ? `${row.key} (${row.keyKind})` : row.key;
}

export function groupLabel(row: UsageRow, dimension: Dimension, keyNames: ReadonlyMap<string, string>): string {
  if (dimension === 'key') return principalLabel(row, keyNames);
  if (dimension === 'model') return row.model ?? '(none)';
  return `${row.model ?? '(none)'} v${row.version ?? '?'}`;
}

function bucketStart(ms: number, granularity: keyof typeof BUCKET_MS): number {
  return Math.floor(ms / BUCKET_MS[granularity]) * BUCKET_MS[granularity];
}

export function toChartData(
  rows: readonly UsageRow[],
  options: {
    from: number;
    to: number;
    granularity: keyof typeof BUCKET_MS;
    dimension: Dimension;
    metric: Metric;
    keyNames: ReadonlyMap<string, string>;
  },
): ChartData {
  const step = BUCKET_MS[options.granularity];
  const first = bucketStart(options.from, options.granularity);
  const times: number[] = [];
  for (let t = first; t < options.to; t += step) times.push(t);
  const index = new Map(times.map((t, i) => [t, i]));

  const byGroup = new Map<string, number[]>();
  for (const row of rows) {
    if (!row.time) continue;
    const at = index.get(bucketStart(Date.parse(row.time), options.granularity));
    if (at === undefined) continue;
    const label = groupLabel(row, options.dimension, options.keyNames);
    let values = byGroup.get(label);
    if (!values) byGroup.set(label, (values = new Array<number>(times.length).fill(0)));
    values[at] = (values[at] ?? 0) + row[options.metric];
  }

  const all = [...byGroup].map(([label, values]) => ({ label, values, total: values.reduce((a, b) => a + b, 0) }));
  all.sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  const series = all.slice(0, MAX_SERIES);
  const rest = all.slice(MAX_SERIES);
  if (rest.length > 0) {
    const values = times.map((_, i) => rest.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
    series.push({ label: `Other (${rest.length})`, values, total: values.reduce((a, b) => a + b, 0) });
  }
  return { times: times.map((t) => t / 1000), series };
}

/** Totals of every counter per group, for the table under the chart. */
export function totalsByGroup(
  rows: readonly UsageRow[],
  dimension: Dimension,
  keyNames: ReadonlyMap<string, string>,
): (Omit<UsageRow, 'time' | 'key' | 'keyKind' | 'model' | 'version'> & { label: string })[] {
  const totals = new Map<string, { label: string; requests: number; items: number; tokens: number; computeMs: number; errors: number }>();
  for (const row of rows) {
    const label = groupLabel(row, dimension, keyNames);
    const total = totals.get(label) ?? { label, requests: 0, items: 0, tokens: 0, computeMs: 0, errors: 0 };
    total.requests += row.requests;
    total.items += row.items;
    total.tokens += row.tokens;
    total.computeMs += row.computeMs;
    total.errors += row.errors;
    totals.set(label, total);
  }
  return [...totals.values()].sort((a, b) => b.requests - a.requests || a.label.localeCompare(b.label));
}
