/** The overview's four live charts, each with a one-sentence text summary of the latest minute. */
import { TimeChart } from '../components/time-chart.js';
import { formatMs, formatNumber, formatPercent, formatRate } from '../format.js';
import { secondsOf, type SeriesPoint, type StatsSeries } from '../stats.js';

const COLORS = { blue: '#2563eb', red: '#dc2626', violet: '#7c3aed', teal: '#0d9488', amber: '#b45309' };

/** The mean of a field over the points that have it, weighted by requests. */
function weightedMean(points: SeriesPoint[], pick: (p: SeriesPoint) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const p of points) {
    const v = pick(p);
    if (v === null || p.requests === 0) continue;
    sum += v * p.requests;
    weight += p.requests;
  }
  return weight > 0 ? sum / weight : null;
}

export function TrafficCharts({ stats }: { stats: StatsSeries }) {
  const { series, intervalSeconds } = stats;
  const times = series.map((p) => secondsOf(p.time));
  const perSecond = (n: number) => n / intervalSeconds;
  const lastMinute = series.slice(-Math.max(1, Math.round(60 / intervalSeconds)));
  const minuteRequests = lastMinute.reduce((s, p) => s + p.requests, 0);
  const minuteErrors = lastMinute.reduce((s, p) => s + p.errors, 0);
  const minuteSpan = lastMinute.length * intervalSeconds;
  const nullIfIdle = (p: SeriesPoint, v: number | null) => (p.requests > 0 ? v : null);
  const idle = minuteRequests === 0;
  const IDLE = 'No requests in the last minute.';

  return (
    <div class="chart-grid">
      <TimeChart
        testId="chart-requests"
        title="Requests and errors per second"
        times={times}
        series={[
          { label: 'requests', color: COLORS.blue, values: series.map((p) => perSecond(p.requests)), format: formatRate },
          { label: 'errors', color: COLORS.red, values: series.map((p) => perSecond(p.errors)), format: formatRate },
        ]}
        summary={
          idle
            ? IDLE
            : `Last minute: ${formatRate(minuteSpan ? minuteRequests / minuteSpan : 0)}; errors: ${minuteErrors} (${formatPercent(minuteRequests ? minuteErrors / minuteRequests : null)} of requests).`
        }
      />
      <TimeChart
        testId="chart-latency"
        title="Latency p50 and p95"
        times={times}
        series={[
          { label: 'p50', color: COLORS.teal, values: series.map((p) => nullIfIdle(p, p.latencyP50Ms)), format: formatMs, points: true },
          { label: 'p95', color: COLORS.violet, values: series.map((p) => nullIfIdle(p, p.latencyP95Ms)), format: formatMs, points: true },
        ]}
        summary={
          idle
            ? IDLE
            : `Last minute: p50 about ${formatMs(weightedMean(lastMinute, (p) => p.latencyP50Ms))}, p95 about ${formatMs(weightedMean(lastMinute, (p) => p.latencyP95Ms))}.`
        }
      />
      <TimeChart
        testId="chart-queue-compute"
        title="Queue time and compute time (mean per request)"
        times={times}
        series={[
          { label: 'queue', color: COLORS.amber, values: series.map((p) => nullIfIdle(p, p.queueMsAvg)), format: formatMs, points: true },
          {
            label: 'compute',
            color: COLORS.blue,
            values: series.map((p) => nullIfIdle(p, p.computeMsAvg)),
            format: formatMs,
            points: true,
          },
        ]}
        summary={
          idle
            ? IDLE
            : `Last minute: waiting ${formatMs(weightedMean(lastMinute, (p) => p.queueMsAvg))} in the queue and computing ${formatMs(weightedMean(lastMinute, (p) => p.computeMsAvg))} on average.`
        }
      />
      <TimeChart
        testId="chart-batch-size"
        title="Batch size (mean items per model run)"
        times={times}
        series={[
          {
            label: 'batch size',
            color: COLORS.teal,
            values: series.map((p) => nullIfIdle(p, p.batchSizeAvg)),
            format: formatNumber,
            points: true,
          },
        ]}
        summary={idle ? IDLE : `Last minute: mean batch size ${formatNumber(weightedMean(lastMinute, (p) => p.batchSizeAvg))}.`}
      />
    </div>
  );
}
