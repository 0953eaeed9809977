/**
 * A fixed pool of ORT worker threads. Sessions are placed on the least busy worker; every call is a
 * request/response message with tensors transferred, not copied.
 */
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { SessionOptionsWire, WireTensor, WireValueInfo, WorkerRequest, WorkerResponse } from './worker-protocol.js';

/** A loaded ORT session: which worker holds it and what ORT says about its inputs and outputs. */
export interface SessionHandle {
  workerIndex: number;
  sessionId: number;
  /** Identifies the worker incarnation; a handle from a crashed worker never reaches its replacement. */
  generation: number;
  inputs: WireValueInfo[];
  outputs: WireValueInfo[];
  loadMs: number;
}

export interface RunResult {
  outputs: Record<string, WireTensor>;
  computeMs: number;
}

type Pending = { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void };

interface WorkerSlot {
  /** Undefined while a worker that kept dying at start waits out its back-off. */
  worker?: Worker;
  generation: number;
  startedAt: number;
  /** Consecutive deaths soon after start, for the respawn back-off. */
  quickDeaths: number;
  pending: Map<number, Pending>;
  sessions: number;
}

/** Thrown when a worker died under a call: a server fault, not the client's. */
export class WorkerLostError extends Error {}

/**
 * Starts a worker thread on ort-worker. The built package runs plain .js; from source (npm start, tests under
 * tsx or vitest) this module is a .ts file, and the worker registers tsx's loader before importing its code.
 */
function startWorker(): Worker {
  // onnxruntime-node embeds Microsoft's telemetry client: it would store a device id and queue events for
  // upload. Sluice promises that nothing phones home, so it is always off. ORT reads the variable natively
  // (getenv), so it must be in the process environment, which only the main thread's process.env sets.
  process.env.ORT_DISABLE_TELEMETRY = '1';
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./ort-worker.js', import.meta.url));
  const entry = new URL('./ort-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true });
}

/** A worker that dies this soon after starting is failing to start; respawning it at once would spin. */
const QUICK_DEATH_MS = 2000;
const MAX_RESPAWN_DELAY_MS = 30_000;

export class WorkerPool extends EventEmitter {
  private readonly slots: WorkerSlot[] = [];
  private nextRequestId = 1;
  private closing = false;

  constructor(readonly size: number) {
    super();
    for (let index = 0; index < size; index++) {
      const slot: WorkerSlot = { generation: 1, startedAt: 0, quickDeaths: 0, pending: new Map(), sessions: 0 };
      this.slots.push(slot);
      this.startIn(index, slot);
    }
  }

  private startIn(index: number, slot: WorkerSlot): void {
    const worker = startWorker();
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.on('message', (response: WorkerResponse) => {
      const waiter = slot.pending.get(response.id);
      if (!waiter) return;
      slot.pending.delete(response.id);
      waiter.resolve(response);
    });
    worker.on('error', (error) => this.onWorkerDeath(index, slot, worker, error));
    worker.on('exit', (code) => this.onWorkerDeath(index, slot, worker, new Error(`ORT worker exited with code ${code}`)));
  }

  /** A worker crashed (e.g. a native fault): fail its calls, replace it, and tell the registry its sessions are gone. */
  private onWorkerDeath(index: number, slot: WorkerSlot, worker: Worker, cause: Error): void {
    if (slot.worker !== worker) return; // already handled ('error' is followed by 'exit')
    slot.worker = undefined;
    for (const waiter of slot.pending.values()) waiter.reject(new WorkerLostError(`model worker stopped: ${cause.message}`));
    slot.pending.clear();
    if (this.closing) return;
    const lostGeneration = slot.generation;
    slot.generation++;
    slot.sessions = 0;
    slot.quickDeaths = Date.now() - slot.startedAt < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
    const delay = slot.quickDeaths === 0 ? 0 : Math.min(MAX_RESPAWN_DELAY_MS, 250 * 2 ** slot.quickDeaths);
    const respawn = setTimeout(() => {
      if (this.closing) return;
      this.startIn(index, slot);
      this.emit('worker-lost', { workerIndex: index, generation: lostGeneration, reason: cause.message });
    }, delay);
    respawn.unref();
  }

  private call(slot: WorkerSlot, request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    const worker = slot.worker;
    if (!worker) return Promise.reject(new WorkerLostError('the model worker is restarting'));
    return new Promise((resolve, reject) => {
      slot.pending.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  }

  private leastLoadedIndex(): number {
    let best = 0;
    for (let index = 1; index < this.slots.length; index++) {
      const a = this.slots[index]!;
      const b = this.slots[best]!;
      if (a.sessions + a.pending.size < b.sessions + b.pending.size) best = index;
    }
    return best;
  }

  /** Loads a model file into a session on the given worker (or the least loaded one). */
  async load(modelPath: string, options: SessionOptionsWire, workerIndex = this.leastLoadedIndex()): Promise<SessionHandle> {
    const slot = this.slots[workerIndex % this.slots.length]!;
    const response = await this.call(slot, { kind: 'load', id: this.nextRequestId++, modelPath, options });
    if (response.kind === 'failed') throw new Error(response.message);
    if (response.kind !== 'loaded') throw new Error(`unexpected worker reply ${response.kind}`);
    slot.sessions++;
    return {
      workerIndex: workerIndex % this.slots.length,
      sessionId: response.sessionId,
      generation: slot.generation,
      inputs: response.inputs,
      outputs: response.outputs,
      loadMs: response.loadMs,
    };
  }

  private liveSlot(handle: SessionHandle): WorkerSlot {
    const slot = this.slots[handle.workerIndex]!;
    if (slot.generation !== handle.generation) throw new WorkerLostError('the model worker holding this session was restarted');
    return slot;
  }

  /** Runs a session; ORT errors come back as a rejected promise with ORT's message. */
  async run(handle: SessionHandle, feeds: Record<string, WireTensor>, outputNames: string[]): Promise<RunResult> {
    const slot = this.liveSlot(handle);
    const transfer: ArrayBuffer[] = [];
    for (const tensor of Object.values(feeds)) {
      if (!Array.isArray(tensor.data) && tensor.data.buffer instanceof ArrayBuffer) transfer.push(tensor.data.buffer);
    }
    const response = await this.call(slot, { kind: 'run', id: this.nextRequestId++, sessionId: handle.sessionId, feeds, outputNames }, dedupe(transfer));
    if (response.kind === 'failed') throw new Error(response.message);
    if (response.kind !== 'ran') throw new Error(`unexpected worker reply ${response.kind}`);
    return { outputs: response.outputs, computeMs: response.computeMs };
  }

  async release(handle: SessionHandle): Promise<void> {
    const slot = this.slots[handle.workerIndex]!;
    if (slot.generation !== handle.generation || this.closing) return; // gone with its worker, or about to be
    slot.sessions = Math.max(0, slot.sessions - 1);
    const response = await this.call(slot, { kind: 'release', id: this.nextRequestId++, sessionId: handle.sessionId });
    if (response.kind === 'failed') throw new Error(response.message);
  }

  /**
   * Stops the workers once their calls have settled: terminating a worker inside session.run() aborts the
   * whole process (a native exception), so runs in flight (e.g. of requests that already timed out) finish
   * first, up to `drainTimeoutMs`.
   */
  async close(drainTimeoutMs = 30_000): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + drainTimeoutMs;
    while (this.slots.some((slot) => slot.pending.size > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(this.slots.map((slot) => slot.worker?.terminate()));
  }
}

function dedupe(buffers: ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)];
}
