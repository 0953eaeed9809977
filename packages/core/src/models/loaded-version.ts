/**
 * One loaded version of a model: its ORT sessions (one per instance) and its task. Immutable once built;
 * hot swap replaces the whole object. It counts the requests running on it so that, once retired, its
 * sessions are released only after the last of them ends.
 */
import { DATATYPES, v2DatatypeOf } from './tensors/datatypes.js';
import type { ModelSignature, Tensor } from './tensors/tensor.js';
import type { ModelTaskHandler, RawRunResult } from './tasks/task.js';
import type { Deadline } from './deadline.js';
import type { SessionHandle, WorkerPool } from './runtime/worker-pool.js';
import type { WireTensor } from './runtime/worker-protocol.js';
import type { GenerationEngine } from './generation/generation-engine.js';

export interface RawBatcher {
  run(feeds: Tensor[], outputNames: string[], deadline: Deadline): Promise<RawRunResult>;
  close(): void;
}

let nextLoadId = 1;

export class LoadedVersion {
  /** Distinguishes two loads of the same version number (a reload after the file changed). */
  readonly loadId = nextLoadId++;
  readonly loadedAt = new Date();
  private inFlight = 0;
  private retired = false;
  private released = false;
  private readonly sessionLoad: number[];
  private batcher?: RawBatcher;
  private generationEngine?: GenerationEngine;

  constructor(
    readonly modelName: string,
    readonly version: number,
    readonly rawSignature: ModelSignature,
    readonly task: ModelTaskHandler,
    private readonly sessions: SessionHandle[],
    private readonly pool: WorkerPool,
    private readonly onReleased: (error?: unknown) => void,
    /** Told of every successful ORT execution: how many requests it carried, its batch size (rows) and run time. */
    private readonly onExecution: (requests: number, rows: number, computeMs: number) => void = () => undefined,
  ) {
    this.sessionLoad = sessions.map(() => 0);
    this.batchedAlongDim0 = rawSignature.inputs.length > 0 && rawSignature.inputs.every((t) => t.shape.length > 0 && t.shape[0] === -1);
  }

  /** Every graph input has a dynamic first dimension: an execution's batch size is its feeds' dim 0. */
  private readonly batchedAlongDim0: boolean;

  get signature(): ModelSignature {
    return this.task.signature;
  }

  get activeRequests(): number {
    return this.inFlight;
  }

  get isRetired(): boolean {
    return this.retired;
  }

  /** text-generation: the schedulers that drive its sessions. */
  get generator(): GenerationEngine | undefined {
    return this.generationEngine;
  }

  /** text-generation: builds the per-session schedulers (see generation/). */
  attachGenerator(build: (pool: WorkerPool, sessions: SessionHandle[]) => GenerationEngine): void {
    this.generationEngine = build(this.pool, this.sessions);
  }

  /** Lets dynamic batching sit between the task and the sessions (see batching/). */
  attachBatcher(batcher: RawBatcher): void {
    this.batcher = batcher;
  }

  /** Called by the registry when a request is routed here; pair with release(). */
  acquire(): void {
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
    if (this.retired && this.inFlight === 0) this.releaseSessions();
  }

  /** No new requests will be routed here; sessions go once the running ones finish. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.batcher?.close();
    if (this.inFlight === 0) this.releaseSessions();
  }

  private releaseSessions(): void {
    if (this.released) return;
    this.released = true;
    Promise.all(this.sessions.map((s) => this.pool.release(s))).then(
      () => this.onReleased(),
      (error) => this.onReleased(error),
    );
  }

  /** Task-level entry: runs the session (graph or worker-side pipeline) through the batcher when there is one. */
  runRaw = (feeds: Tensor[], outputNames: string[], deadline: Deadline): Promise<RawRunResult> =>
    this.batcher ? this.batcher.run(feeds, outputNames, deadline) : this.runOnSession(feeds, outputNames, deadline);

  /** The instance to run on: one whose worker is up (others wait for a restart), then the least busy. */
  private pickSession(): number {
    let index = 0;
    const score = (i: number) =>
      (this.pool.isServing(this.sessions[i]!) ? 0 : 1_000_000) + this.sessionLoad[i]! + this.pool.backlog(this.sessions[i]!);
    for (let i = 1; i < this.sessions.length; i++) if (score(i) < score(index)) index = i;
    return index;
  }

  /** One run on one instance; `requests` is how many requests it carries (for metrics). */
  async runOnSession(feeds: Tensor[], outputNames: string[], deadline: Deadline, requests = 1): Promise<RawRunResult> {
    const index = this.pickSession();
    this.sessionLoad[index]!++;
    try {
      const wireFeeds: Record<string, WireTensor> = {};
      for (const feed of feeds) wireFeeds[feed.name] = { type: DATATYPES[feed.datatype].ort, dims: feed.shape, data: feed.data };
      const { outputs, computeMs } = await this.pool.run(this.sessions[index]!, wireFeeds, outputNames, {
        deadline,
        pipeline: this.task.pipeline,
      });
      this.onExecution(requests, this.batchedAlongDim0 ? (feeds[0]?.shape[0] ?? 1) : 1, computeMs);
      return {
        computeMs,
        outputs: outputNames.map((name) => {
          const wire = outputs[name]!;
          return { name, datatype: v2DatatypeOf(wire.type)!, shape: wire.dims, data: wire.data };
        }),
      };
    } finally {
      this.sessionLoad[index]!--;
    }
  }
}
