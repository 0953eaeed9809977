/**
 * What a bench scenario is: a named, bounded measurement that returns rows for the table and the ratios it
 * is judged by. Add a scenario by writing bench/scenarios/<name>.ts and listing it in scenarios/index.ts.
 */
export interface ResultRow {
  /** What was measured, e.g. "sluice /v1/embeddings, batching on". */
  name: string;
  concurrency?: number;
  /** Requests (or items, or page loads: see unit) per second. */
  throughput: number;
  unit: 'req/s' | 'items/s' | 'loads/s';
  p50Ms?: number;
  p99Ms?: number;
  /** Non-2xx answers or socket errors seen during the run. */
  errors?: number;
  note?: string;
}

export interface Ratio {
  name: string;
  value: number;
  /** The target, if any: value should be >= target. */
  target?: number;
}

export interface ScenarioResult {
  rows: ResultRow[];
  ratios: Ratio[];
  /** Anything a reader needs to interpret the numbers (model size, token counts, thread budget). */
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  run(): Promise<ScenarioResult>;
}
