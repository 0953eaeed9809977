/**
 * The console's charts: inference traffic over the last 30 minutes in 5-second intervals, kept in a ring buffer
 * in memory (GET /stats/series). Each interval counts requests and errors, the latency of successful requests
 * (p50, p95), their average queue and compute time, the average requests per ONNX Runtime execution, and the same
 * per model version. Fed by the inference service's outcomes and the executions (dynamic batching).
 *
 * Memory is bounded: 361 intervals, each with at most MAX_VERSIONS_PER_INTERVAL versions (traffic of further
 * versions counts in the totals only). Latency quantiles are exact up to EXACT_SAMPLES requests per interval,
 * then read from a log-scale histogram (buckets 25 % apart: within about 12 %).
 */
import type { InferenceOutcome } from '../models/inference-service.js';
import type { ExecutionRecord } from './model-statistics.js';

export const INTERVAL_MS = 5_000;
export const MAX_MINUTES = 30;
const INTERVALS = (MAX_MINUTES * 60_000) / INTERVAL_MS;
export const MAX_VERSIONS_PER_INTERVAL = 24;
const EXACT_SAMPLES = 32;

// Latency histogram: bucket i holds values in [LOWEST * RATIO^(i-1), LOWEST * RATIO^i); bucket 0 below LOWEST.
const LOWEST_MS = 0.01;
const RATIO = 1.25;
const BUCKETS = Math.ceil(Math.log(600_000 / LOWEST_MS) / Math.log(RATIO)) + 2;

function bucketOf(ms: number): number {
  if (!(ms >= LOWEST_MS)) return 0;
  return Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / LOWEST_MS) / Math.log(RATIO)));
}

/** A representative value of a bucket (its geometric middle). */
function valueOf(bucket: number): number {
  if (bucket === 0) return LOWEST_MS / 2;
  return LOWEST_MS * RATIO ** (bucket - 0.5);
}

class Aggregate {
  requests = 0;
  errors = 0;
  successes = 0;
  queueMsSum = 0;
  computeMsSum = 0;
  executions = 0;
  batchedRequests = 0;
  min = Infinity;
  max = -Infinity;
  samples: number[] = [];
  histogram: Uint32Array | undefined;

  addOutcome(outcome: InferenceOutcome): void {
    this.requests += 1;
    if (outcome.status !== 'success') {
      this.errors += 1;
      return;
    }
    this.successes += 1;
    this.queueMsSum += outcome.queueMs;
    this.computeMsSum += outcome.computeMs;
    this.addLatency(outcome.totalMs);
  }

  private addLatency(ms: number): void {
    this.min = Math.min(this.min, ms);
    this.max = Math.max(this.max, ms);
    if (this.samples.length < EXACT_SAMPLES) this.samples.push(ms);
    this.histogram ??= new Uint32Array(BUCKETS);
    this.histogram[bucketOf(ms)]! += 1;
  }

  addExecution(requests: number): void {
    this.executions += 1;
    this.batchedRequests += requests;
  }

  merge(other: Aggregate): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.queueMsSum += other.queueMsSum;
    this.computeMsSum += other.computeMsSum;
    this.executions += other.executions;
    this.batchedRequests += other.batchedRequests;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    const successes = this.successes + other.successes;
    this.samples = successes <= EXACT_SAMPLES ? [...this.samples, ...other.samples] : [];
    if (other.histogram) {
      this.histogram ??= new Uint32Array(BUCKETS);
      for (let i = 0; i < BUCKETS; i++) this.histogram[i]! += other.histogram[i]!;
    }
    this.successes = successes;
  }

  /** The q-quantile of successful requests' latency (nearest rank), or null without any. */
  quantile(q: number): number | null {
    if (this.successes === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.successes));
    if (this.successes <= EXACT_SAMPLES && this.samples.length === this.successes) {
      return [...this.samples].sort((a, b) => a - b)[rank - 1]!;
    }
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.histogram![i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, valueOf(i)));
    }
    return this.max;
  }
}

interface Interval {
  start: number;
  total: Aggregate;
  versions: Map<string, Aggregate>;
}

/** Per model version in an interval. */
export interface SeriesVersionPoint {
  requests: number;
  errors: number;
  latencyP95Ms: number | null;
}

/** One 5-second interval. Averages and quantiles are null when the interval had nothing to average. */
export interface SeriesPoint {
  /** The interval's start, Unix ms. */
  time: number;
  requests: number;
  errors: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  queueMsAvg: number | null;
  computeMsAvg: number | null;
  /** Requests per ONNX Runtime execution (above 1 when dynamic batching merged them). */
  batchSizeAvg: number | null;
  /** Keyed "<model>/<version>". */
  versions: Record<string, SeriesVersionPoint>;
}

export interface Series {
  intervalMs: number;
  minutes: number;
  intervals: SeriesPoint[];
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

export class TrafficSeries {
  private readonly ring: (Interval | undefined)[] = new Array(INTERVALS + 1);

  constructor(private readonly now: () => number = Date.now) {}

  private intervalAt(time: number): Interval {
    const start = time - (time % INTERVAL_MS);
    const slot = Math.floor(start / INTERVAL_MS) % this.ring.length;
    let interval = this.ring[slot];
    if (!interval || interval.start !== start) {
      interval = { start, total: new Aggregate(), versions: new Map() };
      this.ring[slot] = interval;
    }
    return interval;
  }

  private versionAggregate(interval: Interval, model: string, version: string | undefined): Aggregate | undefined {
    if (version === undefined) return undefined;
    const key = `${model}/${version}`;
    let found = interval.versions.get(key);
    if (!found && interval.versions.size < MAX_VERSIONS_PER_INTERVAL) {
      found = new Aggregate();
      interval.versions.set(key, found);
    }
    return found;
  }

  /** A finished request; one that never reached a version (unknown model) counts in the totals only. */
  recordOutcome(outcome: InferenceOutcome): void {
    const interval = this.intervalAt(this.now());
    interval.total.addOutcome(outcome);
    this.versionAggregate(interval, outcome.model, outcome.version)?.addOutcome(outcome);
  }

  recordExecution(execution: ExecutionRecord): void {
    const interval = this.intervalAt(this.now());
    interval.total.addExecution(execution.requests);
    this.versionAggregate(interval, execution.model, execution.version)?.addExecution(execution.requests);
  }

  /**
   * The last `minutes` minutes, oldest first, ending with the interval in progress. With `models` (a principal's
   * allow-list) only those models' versions are shown and summed.
   */
  query(minutes: number, models?: readonly string[]): Series {
    const count = Math.max(1, Math.min(MAX_MINUTES, Math.floor(minutes))) * (60_000 / INTERVAL_MS);
    const now = this.now();
    const current = now - (now % INTERVAL_MS);
    const allowed = models ? new Set(models) : undefined;
    const intervals: SeriesPoint[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const start = current - i * INTERVAL_MS;
      const stored = this.ring[Math.floor(start / INTERVAL_MS) % this.ring.length];
      const interval = stored?.start === start ? stored : undefined;
      const versions: Record<string, SeriesVersionPoint> = {};
      let total = interval?.total ?? new Aggregate();
      if (allowed) total = new Aggregate();
      for (const [key, aggregate] of interval?.versions ?? []) {
        if (allowed && !allowed.has(key.slice(0, key.lastIndexOf('/')))) continue;
        if (allowed) total.merge(aggregate);
        versions[key] = { requests: aggregate.requests, errors: aggregate.errors, latencyP95Ms: round(aggregate.quantile(0.95)) };
      }
      intervals.push({
        time: start,
        requests: total.requests,
        errors: total.errors,
        latencyP50Ms: round(total.quantile(0.5)),
        latencyP95Ms: round(total.quantile(0.95)),
        queueMsAvg: total.successes > 0 ? round(total.queueMsSum / total.successes) : null,
        computeMsAvg: total.successes > 0 ? round(total.computeMsSum / total.successes) : null,
        batchSizeAvg: total.executions > 0 ? round(total.batchedRequests / total.executions) : null,
        versions,
      });
    }
    return { intervalMs: INTERVAL_MS, minutes: count / (60_000 / INTERVAL_MS), intervals };
  }
}
