/**
 * A fixed pool of ORT worker processes. Each worker runs one call at a time; the calls waiting for it queue
 * here, so a call whose deadline passes while it waits is dropped without ever being sent.
 *
 * Workers can be lost (a crash, an OOM kill, or a recycle of a run nobody waits for any more): the call
 * that was running fails with WorkerLostError, the pool starts a replacement, reloads the sessions the lost
 * worker held under the same ids (handles stay valid), and only then sends it the calls still queued.
 * `health()` says whether every worker is up, for readiness.
 */
import type { ChildProcess } from 'node:child_process';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { Deadline } from '../deadline.js';
import type { TextPipelineSpec } from '../tasks/text-pipeline.js';
import type { DecoderSpec } from '../generation/decoder-spec.js';
import type { GenerateStep, GenerateStepResult } from '../generation/generation-step.js';
import type { SessionOptionsWire, WireTensor, WireValueInfo, WorkerRequest, WorkerResponse } from './worker-protocol.js';
import { startWorkerProcess } from './worker-process.js';

/** A loaded ORT session: which worker holds it and what ORT says about its inputs and outputs. */
export interface SessionHandle {
  workerIndex: number;
  sessionId: number;
  inputs: WireValueInfo[];
  outputs: WireValueInfo[];
  loadMs: number;
}

export interface RunResult {
  outputs: Record<string, WireTensor>;
  computeMs: number;
}

export interface RunOptions {
  deadline: Deadline;
  pipeline?: TextPipelineSpec;
}

/** Thrown when the worker running a call was lost: a server fault, not the client's. */
export class WorkerLostError extends Error {}

export type WorkerState = 'up' | 'starting' | 'restoring' | 'stopped';

export interface WorkerHealth {
  index: number;
  pid?: number;
  state: WorkerState;
  sessions: number;
  restarts: number;
  /** A call (a run, a load) is on the worker right now. */
  busy: boolean;
}

type CallBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Call {
  body: CallBody;
  deadline: Deadline;
  /** Reloads of a replacement worker's sessions: sent before anything queued. */
  restore?: boolean;
  resolve: (response: WorkerResponse) => void;
  reject: (error: Error) => void;
  stopWatching?: () => void;
}

interface WorkerSlot {
  index: number;
  child?: ChildProcess;
  state: WorkerState;
  queue: Call[];
  running?: { id: number; call: Call };
  /** Sessions this worker holds (loaded or loading), by id: what a replacement must reload. */
  sessions: Map<number, { modelPath: string; options: SessionOptionsWire; loaded: boolean }>;
  startedAt: number;
  /** Consecutive deaths soon after start, for the respawn back-off. */
  quickDeaths: number;
  restarts: number;
  /** Set when the pool killed the worker itself because nobody waited for its run any more. */
  recycledForTimeout?: boolean;
}

/** A worker that dies this soon after starting is failing to start; respawning it at once would spin. */
const QUICK_DEATH_MS = 2000;
const MAX_RESPAWN_DELAY_MS = 30_000;
/**
 * How long past its deadline a running call may go on before its worker is recycled: text runs stop
 * themselves between texts well within it; a native ORT run cannot be stopped any other way.
 */
const RECYCLE_GRACE_MS = 1000;

export class WorkerPool {
  private readonly slots: WorkerSlot[] = [];
  private nextCallId = 1;
  private nextSessionId = 1;
  private closing = false;

  constructor(
    readonly size: number,
    private readonly logger?: Logger,
  ) {
    for (let index = 0; index < size; index++) {
      const slot: WorkerSlot = { index, state: 'starting', queue: [], sessions: new Map(), startedAt: 0, quickDeaths: 0, restarts: 0 };
      this.slots.push(slot);
      this.start(slot);
    }
  }

  /** Per worker: process id, state and sessions. All up means the pool can serve every loaded session. */
  health(): { healthy: boolean; workers: WorkerHealth[] } {
    const workers = this.slots.map((s) => ({
      index: s.index,
      pid: s.child?.pid,
      state: s.state,
      sessions: s.sessions.size,
      restarts: s.restarts,
      busy: s.running !== undefined,
    }));
    return { healthy: workers.every((w) => w.state === 'up'), workers };
  }

  private start(slot: WorkerSlot): void {
    const child = startWorkerProcess();
    slot.child = child;
    slot.startedAt = Date.now();
    slot.recycledForTimeout = false;
    child.on('message', (response: WorkerResponse) => this.onReply(slot, child, response));
    child.on('error', (error) => this.onDeath(slot, child, error.message));
    child.on('exit', (code, signal) => this.onDeath(slot, child, signal ? `killed by ${signal}` : `exited with code ${code}`));
    this.restore(slot);
  }

  /** Reloads the sessions a lost worker held (none at first start), then lets queued calls through. */
  private restore(slot: WorkerSlot): void {
    slot.state = 'restoring';
    const reloads = [...slot.sessions]
      .filter(([, s]) => s.loaded)
      .map(([sessionId, s]) =>
        this.enqueue(slot, { kind: 'load', sessionId, modelPath: s.modelPath, options: s.options }, Deadline.never(), true)
          .then((response) => {
            if (response.kind !== 'loaded') throw new Error(response.kind === 'failed' ? response.message : response.kind);
          })
          .catch((error: Error) => {
            if (error instanceof WorkerLostError) return; // died again while reloading: the next start retries
            // The file no longer loads: runs on this session fail fast (WorkerLostError) until it is replaced.
            slot.sessions.delete(sessionId);
            this.logger?.error(
              { workerIndex: slot.index, sessionId, reason: error.message },
              'a session could not be reloaded in the replacement worker',
            );
          }),
      );
    const child = slot.child;
    void Promise.all(reloads).then(() => {
      if (slot.child !== child || this.closing) return;
      if (slot.restarts > 0)
        this.logger?.info(
          { workerIndex: slot.index, pid: child?.pid, sessions: slot.sessions.size },
          'ORT worker replaced; its sessions are reloaded',
        );
      slot.state = 'up';
      this.pump(slot);
    });
    this.pump(slot);
  }

  private onReply(slot: WorkerSlot, child: ChildProcess, response: WorkerResponse): void {
    if (slot.child !== child || slot.running?.id !== response.id) return;
    const { call } = slot.running;
    slot.running = undefined;
    call.stopWatching?.();
    call.resolve(response);
    this.pump(slot);
  }

  /** A worker died (crash, kill, or recycled by us): fail its running call, start a replacement. */
  private onDeath(slot: WorkerSlot, child: ChildProcess, cause: string): void {
    if (slot.child !== child) return; // already handled ('error' may be followed by 'exit')
    slot.child = undefined;
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      running.call.stopWatching?.();
      running.call.reject(
        slot.recycledForTimeout ? running.call.deadline.timeoutError() : new WorkerLostError(`the model worker stopped (${cause})`),
      );
    }
    // Reloads queued for the dead incarnation are redone by the next restore.
    for (const call of slot.queue.filter((c) => c.restore)) call.reject(new WorkerLostError('the model worker stopped while reloading'));
    slot.queue = slot.queue.filter((c) => !c.restore);
    if (this.closing) {
      slot.state = 'stopped';
      return;
    }
    slot.state = 'starting';
    slot.restarts++;
    this.logger?.error(
      { workerIndex: slot.index, pid: child.pid, reason: cause, sessions: slot.sessions.size, failedCall: running !== undefined },
      'an ORT worker stopped; starting a replacement and reloading its sessions',
    );
    slot.quickDeaths = Date.now() - slot.startedAt < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
    const delay = slot.quickDeaths === 0 ? 0 : Math.min(MAX_RESPAWN_DELAY_MS, 250 * 2 ** slot.quickDeaths);
    setTimeout(() => {
      if (!this.closing) this.start(slot);
    }, delay).unref();
  }

  private enqueue(slot: WorkerSlot, body: CallBody, deadline: Deadline, restore = false): Promise<WorkerResponse> {
    if (deadline.expired) return Promise.reject(deadline.timeoutError());
    return new Promise((resolve, reject) => {
      const call: Call = { body, deadline, restore, resolve, reject };
      call.stopWatching = deadline.onExpire(() => this.onCallExpired(slot, call));
      if (restore) slot.queue.unshift(call);
      else slot.queue.push(call);
      this.pump(slot);
    });
  }

  /** Nobody waits for this call any more: drop it if it still waits, recycle its worker if it runs on. */
  private onCallExpired(slot: WorkerSlot, call: Call): void {
    const queued = slot.queue.indexOf(call);
    if (queued >= 0) {
      slot.queue.splice(queued, 1);
      call.reject(call.deadline.timeoutError());
      return;
    }
    setTimeout(() => {
      if (slot.running?.call !== call || !slot.child) return;
      slot.recycledForTimeout = true;
      this.logger?.warn(
        { workerIndex: slot.index, pid: slot.child.pid, graceMs: RECYCLE_GRACE_MS },
        'a run outlived the deadline of every request it carried; recycling its worker',
      );
      slot.child.kill('SIGKILL');
    }, RECYCLE_GRACE_MS).unref();
  }

  private pump(slot: WorkerSlot): void {
    if (slot.running || !slot.child || slot.queue.length === 0) return;
    const next = slot.queue[0]!;
    if (slot.state !== 'up' && !(slot.state === 'restoring' && next.restore)) return;
    slot.queue.shift();
    const id = this.nextCallId++;
    slot.running = { id, call: next };
    slot.child.send({ ...next.body, id } as WorkerRequest, (error) => {
      // The channel closed under us: the exit handler fails the call.
      if (error && slot.running?.id === id) slot.child?.kill('SIGKILL');
    });
  }

  /** The worker with the fewest sessions (counting loads under way), so instances spread over workers. */
  private placement(): WorkerSlot {
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.sessions.size < best.sessions.size) best = slot;
    return best;
  }

  /** Loads a model file into a session on the worker with the fewest sessions. */
  async load(modelPath: string, options: SessionOptionsWire): Promise<SessionHandle> {
    const slot = this.placement();
    const sessionId = this.nextSessionId++;
    const record = { modelPath, options, loaded: false };
    slot.sessions.set(sessionId, record);
    try {
      const response = await this.enqueue(slot, { kind: 'load', sessionId, modelPath, options }, Deadline.never());
      if (response.kind === 'failed') throw new Error(response.message);
      if (response.kind !== 'loaded') throw new Error(`unexpected worker reply ${response.kind}`);
      record.loaded = true;
      return { workerIndex: slot.index, sessionId, inputs: response.inputs, outputs: response.outputs, loadMs: response.loadMs };
    } catch (error) {
      slot.sessions.delete(sessionId);
      throw error;
    }
  }

  /** Whether a run on this session could be sent now (its worker is up), for picking among instances. */
  isServing(handle: SessionHandle): boolean {
    const slot = this.slots[handle.workerIndex]!;
    return slot.state === 'up' && slot.sessions.get(handle.sessionId)?.loaded === true;
  }

  /** Calls waiting for or running on this session's worker. */
  backlog(handle: SessionHandle): number {
    const slot = this.slots[handle.workerIndex]!;
    return slot.queue.length + (slot.running ? 1 : 0);
  }

  /** Runs a session; ORT errors come back as a rejected promise with ORT's message. */
  async run(handle: SessionHandle, feeds: Record<string, WireTensor>, outputNames: string[], options: RunOptions): Promise<RunResult> {
    const slot = this.slots[handle.workerIndex]!;
    if (!slot.sessions.has(handle.sessionId))
      throw new WorkerLostError('the model worker holding this session was lost and could not reload it');
    const response = await this.enqueue(
      slot,
      {
        kind: 'run',
        sessionId: handle.sessionId,
        feeds,
        outputNames,
        expiresAt: options.deadline.expiresAt,
        pipeline: options.pipeline,
      },
      options.deadline,
    );
    if (response.kind === 'expired') throw options.deadline.timeoutError();
    if (response.kind === 'failed') throw new Error(response.message);
    if (response.kind !== 'ran') throw new Error(`unexpected worker reply ${response.kind}`);
    return { outputs: response.outputs, computeMs: response.computeMs };
  }

  /**
   * One generation step on a decoder session. Steps are short and serve many requests at once, so they
   * carry no deadline of their own: the scheduler stops each sequence at its own deadline between steps.
   */
  async generate(handle: SessionHandle, spec: DecoderSpec, step: GenerateStep): Promise<GenerateStepResult> {
    const slot = this.slots[handle.workerIndex]!;
    if (!slot.sessions.has(handle.sessionId))
      throw new WorkerLostError('the model worker holding this session was lost and could not reload it');
    const response = await this.enqueue(slot, { kind: 'generate', sessionId: handle.sessionId, spec, step }, Deadline.never());
    if (response.kind === 'failed') throw new Error(response.message);
    if (response.kind !== 'generated') throw new Error(`unexpected worker reply ${response.kind}`);
    return response.result;
  }

  async release(handle: SessionHandle): Promise<void> {
    const slot = this.slots[handle.workerIndex]!;
    if (!slot.sessions.delete(handle.sessionId) || this.closing) return; // gone with its worker, or about to be
    const response = await this.enqueue(slot, { kind: 'release', sessionId: handle.sessionId }, Deadline.never());
    if (response.kind === 'failed') throw new Error(response.message);
  }

  /** Stops the workers once their calls have settled (up to `drainTimeoutMs`), then kills what is left. */
  async close(drainTimeoutMs = 30_000): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + drainTimeoutMs;
    while (this.slots.some((slot) => slot.running || slot.queue.length > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            const child = slot.child;
            if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    for (const slot of this.slots) {
      for (const call of slot.queue.splice(0)) call.reject(new WorkerLostError('the server is shutting down'));
    }
  }
}
