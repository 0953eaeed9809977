/** The generation side of one loaded decoder version: one scheduler per session (instance), least loaded first. */
import type { GenerationConfig } from '../model-config.js';
import type { SessionHandle, WorkerPool } from '../runtime/worker-pool.js';
import { kvBytesPerToken, type DecoderSpec } from './decoder-spec.js';
import { GenerationScheduler, type SchedulerObserver, type SchedulerState } from './generation-scheduler.js';

export class GenerationEngine {
  private readonly schedulers: GenerationScheduler[];
  private readonly states: SchedulerState[];
  readonly bytesPerToken: number;

  constructor(pool: WorkerPool, sessions: SessionHandle[], spec: DecoderSpec, config: GenerationConfig, observer?: SchedulerObserver) {
    this.bytesPerToken = kvBytesPerToken(spec);
    this.states = sessions.map(() => ({ running: 0, waiting: 0, kvBytes: 0, reservedBytes: 0, stepSequences: 0 }));
    this.schedulers = sessions.map(
      (session, index) =>
        new GenerationScheduler(
          pool,
          session,
          spec,
          {
            maxSequences: config.maxSequences,
            maxWaiting: config.maxWaiting,
            kvCacheBytes: config.kvCacheMegabytes * 1024 * 1024,
            prefillChunkTokens: config.prefillChunkTokens,
          },
          {
            onStep: (state) => {
              this.states[index] = state;
              observer?.onStep({ ...this.totals(), stepSequences: state.stepSequences });
            },
          },
        ),
    );
  }

  totals(): SchedulerState {
    const sum = { running: 0, waiting: 0, kvBytes: 0, reservedBytes: 0, stepSequences: 0 };
    for (const state of this.states) {
      sum.running += state.running;
      sum.waiting += state.waiting;
      sum.kvBytes += state.kvBytes;
      sum.reservedBytes += state.reservedBytes;
    }
    return sum;
  }

  /** The scheduler with the fewest sequences. */
  pick(): GenerationScheduler {
    return this.schedulers.reduce((best, s) => (s.load < best.load ? s : best));
  }
}
