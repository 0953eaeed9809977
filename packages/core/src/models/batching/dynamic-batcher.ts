/**
 * Dynamic batching for one loaded version: concurrent requests wait in a bounded queue and are coalesced
 * along dim 0 into one ORT run per free session, then each gets its own rows back.
 *
 * Scheduling (Triton-like): a run starts as soon as a session is free and either the waiting rows fill a
 * batch, the oldest request has waited max_queue_delay, or the delay is zero. With zero delay the dispatch
 * still happens on the next event-loop turn, so requests that arrived together are batched together, and
 * while every session is busy new requests pile up into the next batch. When several sessions are free, the
 * waiting rows are spread over them rather than all sent to one.
 *
 * Failure isolation: if a merged run fails, its members are retried one by one, so only a bad request fails.
 */
import { performance } from 'node:perf_hooks';
import { SluiceError, isSluiceError } from '../../errors.js';
import { Deadline } from '../deadline.js';
import type { RawBatcher } from '../loaded-version.js';
import type { RawRunResult } from '../tasks/task.js';
import type { Tensor } from '../tensors/tensor.js';
import { WorkerLostError } from '../runtime/worker-pool.js';
import type { BatchLayout, BatchMember } from './batch-layout.js';

export interface DynamicBatcherOptions {
  /** For error messages. */
  label: string;
  /** Largest number of rows (dim 0) in one run; a single larger request runs alone. */
  maxBatchSize: number;
  maxQueueDelayMicroseconds: number;
  /** Requests that may wait (not counting those running); past it new requests get SLUICE_ERR_QUEUE_FULL. */
  maxQueueSize: number;
  /** Runs allowed at once: one per session of the version. */
  concurrency: number;
  layout: BatchLayout;
  /** One ORT run carrying `requests` requests, abandoned once all of them have given up (`deadline`). */
  execute: (feeds: Tensor[], outputNames: string[], requests: number, deadline: Deadline) => Promise<RawRunResult>;
}

interface QueuedRequest extends BatchMember {
  outputNames: string[];
  key: string;
  enqueuedAt: number;
  deadline: Deadline;
  stopWatching: () => void;
  resolve: (result: RawRunResult) => void;
  reject: (error: unknown) => void;
}

/** Seconds a refused client should wait; a queue drains in well under that at any sane max_queue_size. */
const RETRY_AFTER_SECONDS = '1';

export class DynamicBatcher implements RawBatcher {
  private readonly queue: QueuedRequest[] = [];
  private running = 0;
  private timer?: NodeJS.Timeout;
  private immediate?: NodeJS.Immediate;
  private closed = false;

  constructor(private readonly options: DynamicBatcherOptions) {}

  get waiting(): number {
    return this.queue.length;
  }

  run(feeds: Tensor[], outputNames: string[], deadline: Deadline): Promise<RawRunResult> {
    if (this.queue.length >= this.options.maxQueueSize) this.dropExpired();
    if (this.queue.length >= this.options.maxQueueSize) {
      return Promise.reject(
        new SluiceError(
          'SLUICE_ERR_QUEUE_FULL',
          `${this.options.label}: the batching queue is full (${this.options.maxQueueSize} requests waiting); retry later`,
          {
            headers: { 'retry-after': RETRY_AFTER_SECONDS },
          },
        ),
      );
    }
    return new Promise<RawRunResult>((resolve, reject) => {
      const request: QueuedRequest = {
        feeds,
        outputNames,
        rows: feeds[0]?.shape[0] ?? 1,
        key: this.options.layout.keyOf(feeds, outputNames),
        enqueuedAt: performance.now(),
        deadline,
        stopWatching: () => undefined,
        resolve,
        reject,
      };
      // A request whose client timed out leaves the queue at once and is never run.
      request.stopWatching = deadline.onExpire(() => this.dropExpired());
      this.queue.push(request);
      this.schedule();
    });
  }

  /** The version is retired: stop waiting for fuller batches. Queued and later requests still run. */
  close(): void {
    this.closed = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.running >= this.options.concurrency || this.queue.length === 0) return;
    const delayMs = this.options.maxQueueDelayMicroseconds / 1000;
    const waitedMs = performance.now() - this.queue[0]!.enqueuedAt;
    if (this.closed || delayMs === 0 || waitedMs >= delayMs || this.waitingRows() >= this.options.maxBatchSize) {
      // Next turn, not now: requests parsed in the same I/O phase join the same batch.
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        this.dispatchAll();
      });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.dispatchAll();
    }, delayMs - waitedMs);
  }

  private waitingRows(): number {
    let rows = 0;
    for (const request of this.queue) rows += request.rows;
    return rows;
  }

  private dispatchAll(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.dropExpired();
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      // Spread what waits over the free sessions instead of piling it onto one.
      const free = this.options.concurrency - this.running;
      const target = Math.max(1, Math.min(this.options.maxBatchSize, Math.ceil(this.waitingRows() / free)));
      void this.execute(this.takeBatch(target));
    }
    if (this.queue.length > 0) this.schedule();
  }

  /** Requests whose client has already timed out are answered with the timeout and never run. */
  private dropExpired(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const request = this.queue[i]!;
      if (!request.deadline.expired) continue;
      this.queue.splice(i, 1);
      request.reject(request.deadline.timeoutError(`${this.options.label}: the request, queued for batching,`));
    }
  }

  /** The oldest request plus, in queue order, later ones with its key while they fit. */
  private takeBatch(targetRows: number): QueuedRequest[] {
    const head = this.queue.shift()!;
    head.stopWatching();
    const batch = [head];
    let rows = head.rows;
    for (let i = 0; i < this.queue.length && rows < targetRows;) {
      const candidate = this.queue[i]!;
      if (candidate.key === head.key && rows + candidate.rows <= targetRows && this.options.layout.accepts(batch, candidate)) {
        batch.push(candidate);
        candidate.stopWatching();
        rows += candidate.rows;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
    }
    return batch;
  }

  private async execute(batch: QueuedRequest[]): Promise<void> {
    this.running++;
    try {
      if (batch.length === 1) {
        await this.runAlone(batch[0]!);
        return;
      }
      let pieces: Tensor[][];
      let result: RawRunResult;
      try {
        result = await this.options.execute(
          this.options.layout.merge(batch),
          batch[0]!.outputNames,
          batch.length,
          Deadline.latest(batch.map((r) => r.deadline)),
        );
        pieces = this.options.layout.split(result.outputs, batch);
      } catch (error) {
        // A lost worker or a run abandoned at its deadline says nothing about the inputs: no retries.
        if (error instanceof WorkerLostError || isSluiceError(error)) {
          for (const request of batch) request.reject(error);
          return;
        }
        // Someone in the batch is bad (or the outputs cannot be split): run each alone so only it fails.
        for (const request of batch) await this.runAlone(request);
        return;
      }
      batch.forEach((request, i) => request.resolve({ outputs: pieces[i]!, computeMs: result.computeMs }));
    } finally {
      this.running--;
      this.schedule();
    }
  }

  private async runAlone(request: QueuedRequest): Promise<void> {
    try {
      request.resolve(await this.options.execute(request.feeds, request.outputNames, 1, request.deadline));
    } catch (error) {
      request.reject(error);
    }
  }
}
