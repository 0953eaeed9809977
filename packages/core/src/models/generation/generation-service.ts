/**
 * Runs one generation request end to end, below every protocol (OpenAI chat and completions, Triton's
 * generate): route to a version (it stays acquired, so a hot swap lets the stream finish on the version it
 * started on), encode the prompt, admit the sequence into the version's scheduler, turn its tokens into
 * text deltas (UTF-8-safe, stop strings applied), stop it at its deadline or when the client goes away, and
 * record metrics and the `inference.completed` outcome with prompt and completion tokens.
 */
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import type { InferenceCaller } from '../../auth/caller.js';
import { SluiceError, isSluiceError } from '../../errors.js';
import type { ServerMetrics } from '../../observability/server-metrics.js';
import { Deadline } from '../deadline.js';
import type { InferenceOutcome } from '../inference-service.js';
import type { ModelRegistry } from '../model-registry.js';
import { WorkerLostError } from '../runtime/worker-pool.js';
import type { ChatMessage } from './generation-tokenizer.js';
import type { Sequence } from './generation-scheduler.js';
import { StopSequences } from './stop-sequences.js';
import { StreamDetokenizer } from './stream-detokenizer.js';
import type { GenerationEngine } from './generation-engine.js';
import type { TextGenerationModel } from '../tasks/text-generation-task.js';

export type FinishReason = 'stop' | 'length';

export interface GenerationRequest {
  model: string;
  version?: string;
  prompt: { kind: 'chat'; messages: ChatMessage[] } | { kind: 'text'; text: string };
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  caller?: InferenceCaller;
  deadline?: Deadline;
  /** Aborted when the client goes away: the sequence leaves the batch before the next step. */
  signal?: AbortSignal;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
}

/** An admitted generation: deltas arrive through onDelta (set it before awaiting `done`). */
export interface GenerationRun {
  modelName: string;
  modelVersion: string;
  promptTokens: number;
  onDelta?: (text: string) => void;
  done: Promise<GenerationResult>;
}

export interface GenerationService {
  /** Validates and admits; throws the client's error (4xx/503) before anything is streamed. */
  start(request: GenerationRequest): GenerationRun;
}

function toClientError(error: unknown): SluiceError {
  if (isSluiceError(error)) return error;
  if (error instanceof WorkerLostError)
    return new SluiceError('SLUICE_ERR_WORKER_LOST', `${error.message}; retry`, { cause: error, headers: { 'retry-after': '1' } });
  return new SluiceError('SLUICE_ERR_INFERENCE_FAILED', `ONNX Runtime could not run the model: ${(error as Error).message}`, {
    cause: error,
  });
}

export function createGenerationService(deps: {
  registry: ModelRegistry;
  metrics: ServerMetrics;
  onOutcome?: (outcome: InferenceOutcome) => void;
}): GenerationService {
  const { registry, metrics } = deps;

  /** `used`: tokens already spent when a started generation fails (hang-up, timeout), so metering sees them. */
  function fail(
    request: GenerationRequest,
    started: number,
    version: string | undefined,
    error: unknown,
    used?: { prompt: number; completion: number },
  ): SluiceError {
    const clientError = toClientError(error);
    const model = clientError.code === 'SLUICE_ERR_MODEL_NOT_FOUND' ? '' : request.model;
    metrics.requestFailure.inc({ model, version: version ?? '', code: clientError.code });
    const tokens = used ? { tokens: used.prompt + used.completion, promptTokens: used.prompt, completionTokens: used.completion } : {};
    deps.onOutcome?.({
      model: request.model,
      version,
      items: 0,
      ...tokens,
      queueMs: 0,
      computeMs: 0,
      totalMs: performance.now() - started,
      status: 'failure',
      errorCode: clientError.code,
      caller: request.caller,
    });
    return clientError;
  }

  return {
    start(request) {
      const started = performance.now();
      let target;
      try {
        target = registry.acquire(request.model, request.version);
      } catch (error) {
        throw fail(request, started, undefined, error);
      }
      const version = String(target.version);
      const labels = { model: request.model, version };
      let released = false;
      const release = () => {
        if (!released) {
          released = true;
          target.release();
        }
      };
      let sequence: Sequence | undefined;
      let promptTokens: number[];
      let maxTokens: number;
      let engine: GenerationEngine;
      let model: TextGenerationModel;
      try {
        if (!target.task.generation || !target.generator)
          throw new SluiceError(
            'SLUICE_ERR_TASK_MISMATCH',
            `model "${request.model}" has task "${target.task.name}"; generation needs a text-generation model`,
          );
        model = target.task.generation;
        engine = target.generator;
        try {
          promptTokens =
            request.prompt.kind === 'chat'
              ? model.tokenizer.encodeChat(request.prompt.messages)
              : model.tokenizer.encodePrompt(request.prompt.text);
        } catch (error) {
          throw new SluiceError(
            'SLUICE_ERR_BAD_REQUEST',
            `the chat template could not render these messages: ${(error as Error).message}`,
            { cause: error },
          );
        }
        if (promptTokens.length === 0) throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'the prompt is empty');
        const room = model.maxContextLength - promptTokens.length;
        if (room < 1)
          throw new SluiceError(
            'SLUICE_ERR_CONTEXT_TOO_LONG',
            `the prompt has ${promptTokens.length} tokens; this model's context is ${model.maxContextLength}`,
          );
        maxTokens = request.maxTokens ?? Math.min(room, model.defaultMaxTokens);
        if (promptTokens.length + maxTokens > model.maxContextLength) {
          throw new SluiceError(
            'SLUICE_ERR_CONTEXT_TOO_LONG',
            `the prompt (${promptTokens.length} tokens) plus max_tokens (${maxTokens}) exceed this model's context of ${model.maxContextLength} tokens`,
          );
        }
      } catch (error) {
        release();
        throw fail(request, started, version, error);
      }

      const detokenizer = new StreamDetokenizer((tokens) => model.tokenizer.decode(tokens));
      const stops = new StopSequences(request.stop ?? []);
      let completionTokens = 0;
      let lastTokenAt = 0;
      let firstTokenAt = 0;
      let settle!: { resolve: (result: GenerationResult) => void; reject: (error: Error) => void };
      const done = new Promise<GenerationResult>((resolve, reject) => (settle = { resolve, reject }));
      const run: GenerationRun = { modelName: request.model, modelVersion: version, promptTokens: promptTokens.length, done };
      let finished = false;
      const cleanups: (() => void)[] = [];

      const finish = (reason: FinishReason | Error) => {
        if (finished) return;
        finished = true;
        for (const cleanup of cleanups) cleanup();
        if (sequence && !sequence.cancelled) scheduler.cancel(sequence);
        release();
        if (reason instanceof Error) {
          settle.reject(fail(request, started, version, reason, { prompt: promptTokens.length, completion: completionTokens }));
          return;
        }
        const rest = stops.push(detokenizer.flush());
        const tail = rest.text + (rest.stopped ? '' : stops.flush());
        if (tail) run.onDelta?.(tail);
        const totalMs = performance.now() - started;
        const queueMs = firstTokenAt ? firstTokenAt - started : totalMs;
        metrics.requestSuccess.inc(labels);
        metrics.inferenceCount.inc(labels);
        metrics.requestDuration.observe(labels, totalMs / 1000);
        metrics.queueDuration.observe(labels, queueMs / 1000);
        metrics.promptTokens.inc(labels, promptTokens.length);
        deps.onOutcome?.({
          model: request.model,
          version,
          items: 1,
          tokens: promptTokens.length + completionTokens,
          promptTokens: promptTokens.length,
          completionTokens,
          queueMs,
          computeMs: totalMs - queueMs,
          totalMs,
          status: 'success',
          caller: request.caller,
        });
        settle.resolve({
          text: stops.fullText,
          finishReason: rest.stopped ? 'stop' : reason,
          promptTokens: promptTokens.length,
          completionTokens,
        });
      };

      const scheduler = engine.pick();
      const seed = request.seed ?? randomInt(0, 2 ** 32 - 1);
      try {
        sequence = scheduler.submit(
          promptTokens,
          {
            temperature: request.temperature ?? model.defaults.temperature,
            topP: request.topP ?? model.defaults.topP,
            seed,
            presencePenalty: request.presencePenalty ?? 0,
            frequencyPenalty: request.frequencyPenalty ?? 0,
          },
          (promptTokens.length + maxTokens) * engine.bytesPerToken,
          {
            onToken: (token) => {
              if (finished) return false;
              const now = performance.now();
              if (firstTokenAt === 0) {
                firstTokenAt = now;
                metrics.timeToFirstToken.observe(labels, (now - started) / 1000);
              } else {
                metrics.interTokenLatency.observe(labels, (now - lastTokenAt) / 1000);
              }
              lastTokenAt = now;
              completionTokens++;
              metrics.generatedTokens.inc(labels);
              if (model.eosTokenIds.has(token)) {
                finish('stop');
                return false;
              }
              const { text, stopped } = stops.push(detokenizer.push(token));
              if (text) run.onDelta?.(text);
              if (stopped) {
                finish('stop');
                return false;
              }
              if (completionTokens >= maxTokens) {
                finish('length');
                return false;
              }
              return true;
            },
            onError: (error) => finish(error),
          },
        );
      } catch (error) {
        release();
        throw fail(request, started, version, error);
      }
      const deadline = request.deadline ?? Deadline.never();
      cleanups.push(deadline.onExpire(() => finish(deadline.timeoutError('the generation'))));
      if (request.signal) {
        const onAbort = () => finish(new SluiceError('SLUICE_ERR_BAD_REQUEST', 'the client closed the connection'));
        if (request.signal.aborted) queueMicrotask(onAbort);
        request.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => request.signal!.removeEventListener('abort', onAbort));
      }
      return run;
    },
  };
}
