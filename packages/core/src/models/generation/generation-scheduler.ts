/**
 * The scheduler of one decoder session (continuous, iteration-level batching): between two steps, finished
 * and cancelled sequences leave the batch and waiting ones join it. Each step decodes one token for every
 * running sequence and, in the same worker message, prefills one chunk of at most `prefillChunkTokens` of
 * one newcomer's prompt, so a long prompt delays the running streams by one chunk per step, never by its
 * whole prefill. Admission is against a budget: batch rows, and KV-cache bytes reserved for each sequence's
 * whole context (prompt + max new tokens), so an admitted sequence can always run to its end.
 */
import { SluiceError } from '../../errors.js';
import type { SessionHandle, WorkerPool } from '../runtime/worker-pool.js';
import type { DecoderSpec } from './decoder-spec.js';
import type { GenerateStep } from './generation-step.js';
import type { SamplingParams } from './sampler.js';

export interface GenerationBudget {
  /** Sequences in the batch at once (1 switches batching off: one sequence at a time). */
  maxSequences: number;
  /** Sequences that may wait for a place; past it new ones are refused (503 + Retry-After). */
  maxWaiting: number;
  /** KV-cache bytes all admitted sequences may reserve together. */
  kvCacheBytes: number;
  prefillChunkTokens: number;
}

/** What the owner of a sequence (the generation service) hears from the scheduler. */
export interface SequenceOwner {
  /** A new token; answer false when the sequence is done (end token, stop string, length). */
  onToken(token: number): boolean;
  onError(error: Error): void;
}

export interface SchedulerState {
  running: number;
  waiting: number;
  kvBytes: number;
  reservedBytes: number;
  /** Sequences the last step served (0 for a step that only freed caches). */
  stepSequences: number;
}

export interface SchedulerObserver {
  onStep(state: SchedulerState): void;
}

export class Sequence {
  cancelled = false;
  /** Prompt tokens already prefilled. */
  prefilled = 0;
  /** Whether the worker holds state for it (a prefill chunk was sent). */
  started = false;

  constructor(
    readonly id: number,
    readonly prompt: number[],
    readonly sampling: SamplingParams,
    /** KV-cache bytes reserved for its whole context. */
    readonly reservedBytes: number,
    readonly owner: SequenceOwner,
  ) {}
}

let nextSequenceId = 1;

export class GenerationScheduler {
  private readonly waiting: Sequence[] = [];
  /** Admitted, prompt not yet fully prefilled; the first is the one being prefilled. */
  private readonly prefilling: Sequence[] = [];
  private readonly running: Sequence[] = [];
  private readonly drops: number[] = [];
  private reservedBytes = 0;
  private kvBytes = 0;
  private looping = false;

  constructor(
    private readonly pool: WorkerPool,
    private readonly session: SessionHandle,
    private readonly spec: DecoderSpec,
    readonly budget: GenerationBudget,
    private readonly observer?: SchedulerObserver,
  ) {}

  /** Sequences admitted or waiting: the load used to pick among a version's sessions. */
  get load(): number {
    return this.waiting.length + this.prefilling.length + this.running.length;
  }

  /** Queues a sequence; throws a 503 (with Retry-After) when the waiting room is full. */
  submit(prompt: number[], sampling: SamplingParams, reservedBytes: number, owner: SequenceOwner): Sequence {
    if (reservedBytes > this.budget.kvCacheBytes) {
      throw new SluiceError(
        'SLUICE_ERR_CONTEXT_TOO_LONG',
        `the prompt and max tokens need ${reservedBytes} bytes of KV cache; this model's budget is ${this.budget.kvCacheBytes} (lower max_tokens or shorten the prompt)`,
      );
    }
    const sequence = new Sequence(nextSequenceId++, prompt, sampling, reservedBytes, owner);
    const wouldWait = this.countStillWaiting([...this.waiting, sequence]);
    if (wouldWait > this.budget.maxWaiting) {
      throw new SluiceError(
        'SLUICE_ERR_GENERATION_BUSY',
        `the model's generation batch is full and ${wouldWait - 1} requests already wait; retry later`,
        { headers: { 'retry-after': '1' } },
      );
    }
    this.waiting.push(sequence);
    this.kick();
    return sequence;
  }

  /** Stops a sequence: it leaves the batch before the next step and its worker state is freed. */
  cancel(sequence: Sequence): void {
    sequence.cancelled = true;
    this.kick();
  }

  private kick(): void {
    if (!this.looping) {
      this.looping = true;
      void this.loop();
    }
  }

  private leave(sequence: Sequence): void {
    this.reservedBytes -= sequence.reservedBytes;
    if (sequence.started) this.drops.push(sequence.id);
  }

  /**
   * How many of `queue` would still wait once the budget has admitted what it can, in order (as rebalance() does).
   * Submissions arrive between the loop's turns: a sequence queued a moment ago that the next turn admits must not
   * count against the waiting room, or a burst would be refused while rows are free.
   */
  private countStillWaiting(queue: readonly Sequence[]): number {
    let rows = this.running.length + this.prefilling.length;
    let reserved = this.reservedBytes;
    let waiting = 0;
    for (const sequence of queue) {
      if (sequence.cancelled) continue;
      if (waiting === 0 && rows < this.budget.maxSequences && reserved + sequence.reservedBytes <= this.budget.kvCacheBytes) {
        rows += 1;
        reserved += sequence.reservedBytes;
      } else waiting += 1;
    }
    return waiting;
  }

  /** Removes cancelled sequences everywhere and admits waiting ones while the budget allows. */
  private rebalance(): void {
    for (const list of [this.running, this.prefilling]) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i]!.cancelled) this.leave(list.splice(i, 1)[0]!);
      }
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) if (this.waiting[i]!.cancelled) this.waiting.splice(i, 1);
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      const rows = this.running.length + this.prefilling.length;
      if (rows >= this.budget.maxSequences || this.reservedBytes + next.reservedBytes > this.budget.kvCacheBytes) break;
      this.waiting.shift();
      this.reservedBytes += next.reservedBytes;
      this.prefilling.push(next);
    }
  }

  private report(stepSequences = 0): void {
    this.observer?.onStep({
      running: this.running.length + this.prefilling.length,
      waiting: this.waiting.length,
      kvBytes: this.kvBytes,
      reservedBytes: this.reservedBytes,
      stepSequences,
    });
  }

  private nextStep(): { step: GenerateStep; prefill?: Sequence } {
    const step: GenerateStep = { drop: this.drops.splice(0), decode: this.running.map((s) => s.id) };
    const prefill = this.prefilling[0];
    if (prefill) {
      const end = Math.min(prefill.prompt.length, prefill.prefilled + this.budget.prefillChunkTokens);
      step.prefill = {
        id: prefill.id,
        tokens: prefill.prompt.slice(prefill.prefilled, end),
        final: end === prefill.prompt.length,
        sampling: prefill.started ? undefined : prefill.sampling,
      };
      prefill.started = true;
      prefill.prefilled = end;
    }
    return { step, prefill };
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        this.rebalance();
        if (this.running.length === 0 && this.prefilling.length === 0) {
          // Nothing runs: free what the worker still holds, then stop until the next submit.
          // (With nothing running, the budget admits any waiting sequence, so none is left waiting here.)
          if (this.drops.length > 0) await this.runStep({ drop: this.drops.splice(0), decode: [] }, []);
          this.report();
          break;
        }
        const { step, prefill } = this.nextStep();
        const inStep = [...this.running, ...(prefill ? [prefill] : [])];
        const tokens = await this.runStep(step, inStep);
        if (!tokens) continue;
        const served = inStep.length;
        const byId = new Map(inStep.map((s) => [s.id, s]));
        for (const [id, token] of tokens) {
          const sequence = byId.get(id)!;
          if (sequence === prefill) this.prefilling.shift();
          const goOn = !sequence.cancelled && this.deliver(sequence, token);
          if (goOn) {
            if (sequence === prefill) this.running.push(sequence);
            continue;
          }
          const index = this.running.indexOf(sequence);
          if (index >= 0) this.running.splice(index, 1);
          this.leave(sequence);
        }
        this.report(served);
      }
    } finally {
      this.looping = false;
      // A submit may have raced the exit.
      if (this.waiting.some((s) => !s.cancelled)) this.kick();
    }
  }

  /** Hands a token to its owner; an owner that throws ends its own sequence, never the loop. */
  private deliver(sequence: Sequence, token: number): boolean {
    try {
      return sequence.owner.onToken(token);
    } catch (error) {
      sequence.owner.onError(error as Error);
      return false;
    }
  }

  /** Runs a step; on failure every sequence in it fails and the worker's state for them is dropped. */
  private async runStep(step: GenerateStep, inStep: Sequence[]): Promise<[number, number][] | undefined> {
    try {
      const result = await this.pool.generate(this.session, this.spec, step);
      this.kvBytes = result.kvBytes;
      return result.tokens;
    } catch (error) {
      const failed = new Set([...inStep, ...this.running, ...this.prefilling]);
      this.running.length = 0;
      this.prefilling.length = 0;
      for (const sequence of failed) {
        this.reservedBytes -= sequence.reservedBytes;
        if (sequence.started) this.drops.push(sequence.id);
        sequence.cancelled = true;
        sequence.owner.onError(error as Error);
      }
      return undefined;
    }
  }
}
