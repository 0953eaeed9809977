/**
 * Per model version counters in the shape of Triton's statistics extension (GET /v2/models[/{m}[/versions/{v}]]/stats):
 * cumulative since the server started, fed by the inference service's outcomes and by each ONNX Runtime
 * execution. Durations are in nanoseconds. Sluice does not time input and output handling apart from the run
 * (they happen in the worker process around it), so compute_input and compute_output count executions with
 * 0 ns, compute_infer holds the run's time, and queue is everything before the run (routing, validation,
 * tokenization, the batching queue). Memory: one entry per version that served a request, and at most
 * MAX_BATCH_SIZES batch sizes per version.
 */
import type { InferenceOutcome } from '../models/inference-service.js';

export interface DurationStat {
  count: number;
  ns: number;
}

export interface TritonInferenceStats {
  success: DurationStat;
  fail: DurationStat;
  queue: DurationStat;
  compute_input: DurationStat;
  compute_infer: DurationStat;
  compute_output: DurationStat;
  cache_hit: DurationStat;
  cache_miss: DurationStat;
}

export interface TritonBatchStat {
  batch_size: number;
  compute_input: DurationStat;
  compute_infer: DurationStat;
  compute_output: DurationStat;
}

export interface TritonModelStat {
  name: string;
  version: string;
  /** Unix ms of the last request (0: none yet). */
  last_inference: number;
  /** Items (rows along dim 0) of successful requests. */
  inference_count: number;
  /** Successful ONNX Runtime executions (fewer than requests when dynamic batching merges them). */
  execution_count: number;
  inference_stats: TritonInferenceStats;
  batch_stats: TritonBatchStat[];
}

/** One ONNX Runtime execution of a version. */
export interface ExecutionRecord {
  model: string;
  version: string;
  /** Requests the execution carried (more than 1 when dynamic batching merged them). */
  requests: number;
  /** Its batch size: rows along dim 0 (1 for a graph without a batch dimension). */
  rows: number;
  computeMs: number;
}

export const MAX_BATCH_SIZES = 256;

interface VersionCounters {
  lastInference: number;
  inferenceCount: number;
  executionCount: number;
  success: DurationStat;
  fail: DurationStat;
  queue: DurationStat;
  computeInfer: DurationStat;
  /** Executions that passed input and output (their time is part of compute_infer). */
  computeIo: number;
  batches: Map<number, { count: number; ns: number }>;
}

const ns = (ms: number) => Math.max(0, Math.round(ms * 1e6));
const zero = (): DurationStat => ({ count: 0, ns: 0 });

export class ModelStatistics {
  private readonly versions = new Map<string, VersionCounters>();

  private key(model: string, version: string): string {
    return `${model}\u0000${version}`;
  }

  private counters(model: string, version: string): VersionCounters {
    const key = this.key(model, version);
    let found = this.versions.get(key);
    if (!found) {
      found = {
        lastInference: 0,
        inferenceCount: 0,
        executionCount: 0,
        success: zero(),
        fail: zero(),
        queue: zero(),
        computeInfer: zero(),
        computeIo: 0,
        batches: new Map(),
      };
      this.versions.set(key, found);
    }
    return found;
  }

  /** A finished request. Requests that never reached a version (unknown model or version) are not counted. */
  recordOutcome(outcome: InferenceOutcome, at = Date.now()): void {
    if (outcome.version === undefined) return;
    const counters = this.counters(outcome.model, outcome.version);
    counters.lastInference = at;
    if (outcome.status === 'success') {
      counters.inferenceCount += outcome.items;
      counters.success.count += 1;
      counters.success.ns += ns(outcome.totalMs);
      counters.queue.count += 1;
      counters.queue.ns += ns(outcome.queueMs);
    } else {
      counters.fail.count += 1;
      counters.fail.ns += ns(outcome.totalMs);
    }
  }

  recordExecution(execution: ExecutionRecord): void {
    const counters = this.counters(execution.model, execution.version);
    counters.executionCount += 1;
    counters.computeInfer.count += 1;
    counters.computeInfer.ns += ns(execution.computeMs);
    counters.computeIo += 1;
    const batch = counters.batches.get(execution.rows);
    if (batch) {
      batch.count += 1;
      batch.ns += ns(execution.computeMs);
    } else if (counters.batches.size < MAX_BATCH_SIZES) {
      counters.batches.set(execution.rows, { count: 1, ns: ns(execution.computeMs) });
    }
  }

  /** True when the version has served or refused a request since the server started. */
  has(model: string, version: string): boolean {
    return this.versions.has(this.key(model, version));
  }

  /** Forgets a version (it left the repository). */
  forget(model: string, version: string): void {
    this.versions.delete(this.key(model, version));
  }

  /** Triton's $model_stat for a version (zeros when it has not served anything yet). */
  snapshot(model: string, version: string): TritonModelStat {
    const c = this.versions.get(this.key(model, version));
    const copy = (stat: DurationStat | undefined): DurationStat => ({ count: stat?.count ?? 0, ns: stat?.ns ?? 0 });
    const io = { count: c?.computeIo ?? 0, ns: 0 };
    return {
      name: model,
      version,
      last_inference: c?.lastInference ?? 0,
      inference_count: c?.inferenceCount ?? 0,
      execution_count: c?.executionCount ?? 0,
      inference_stats: {
        success: copy(c?.success),
        fail: copy(c?.fail),
        queue: copy(c?.queue),
        compute_input: { ...io },
        compute_infer: copy(c?.computeInfer),
        compute_output: { ...io },
        cache_hit: zero(),
        cache_miss: zero(),
      },
      batch_stats: [...(c?.batches ?? new Map<number, DurationStat>())]
        .sort(([a], [b]) => a - b)
        .map(([size, stat]) => ({
          batch_size: size,
          compute_input: { count: stat.count, ns: 0 },
          compute_infer: { count: stat.count, ns: stat.ns },
          compute_output: { count: stat.count, ns: 0 },
        })),
    };
  }
}
