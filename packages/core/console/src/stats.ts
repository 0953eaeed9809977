/** GET /stats/series: the server's recent request statistics in fixed intervals, and sums over them. */
import { apiJson } from './api.js';

export interface VersionPoint {
  requests: number;
  errors: number;
  latencyP95Ms: number | null;
}

export interface SeriesPoint {
  /** Interval start, epoch milliseconds or ISO 8601 (both are accepted). */
  time: number | string;
  requests: number;
  errors: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  queueMsAvg: number | null;
  computeMsAvg: number | null;
  batchSizeAvg: number | null;
  versions?: Record<string, VersionPoint>;
}

export interface StatsSeries {
  intervalSeconds: number;
  series: SeriesPoint[];
}

/** What GET /stats/series answers (core's api/stats-routes.ts): intervals of `intervalMs`, oldest first. */
interface SeriesAnswer {
  intervalMs: number;
  minutes: number;
  intervals: SeriesPoint[];
}

export async function fetchSeries(minutes: number): Promise<StatsSeries> {
  const answer = await apiJson<SeriesAnswer>('GET', `/stats/series?minutes=${minutes}`);
  return { intervalSeconds: answer.intervalMs / 1000, series: answer.intervals };
}

/** Unix seconds, as uPlot wants them. */
export function secondsOf(time: number | string): number {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return ms / 1000;
}

export interface VersionSummary {
  requestsPerSecond: number;
  errorRate: number | null;
  /** The request-weighted mean of the intervals' p95 (a percentile cannot be recomputed from percentiles). */
  latencyP95Ms: number | null;
  requests: number;
}

/** Per "<model>/<version>" totals over the last `seconds` of the series. */
export function summarizeVersions(stats: StatsSeries, seconds: number): Map<string, VersionSummary> {
  const points = stats.series.slice(-Math.max(1, Math.round(seconds / stats.intervalSeconds)));
  const span = points.length * stats.intervalSeconds;
  const totals = new Map<string, { requests: number; errors: number; weighted: number; weight: number }>();
  for (const point of points) {
    for (const [key, v] of Object.entries(point.versions ?? {})) {
      const t = totals.get(key) ?? { requests: 0, errors: 0, weighted: 0, weight: 0 };
      t.requests += v.requests;
      t.errors += v.errors;
      if (v.latencyP95Ms !== null && v.requests > 0) {
        t.weighted += v.latencyP95Ms * v.requests;
        t.weight += v.requests;
      }
      totals.set(key, t);
    }
  }
  const summary = new Map<string, VersionSummary>();
  for (const [key, t] of totals) {
    summary.set(key, {
      requests: t.requests,
      requestsPerSecond: span > 0 ? t.requests / span : 0,
      errorRate: t.requests > 0 ? t.errors / t.requests : null,
      latencyP95Ms: t.weight > 0 ? t.weighted / t.weight : null,
    });
  }
  return summary;
}
