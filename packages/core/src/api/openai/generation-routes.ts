/**
 * POST /v1/chat/completions and /v1/completions: OpenAI's text generation, streamed (server-sent events)
 * or not, over the generation service. Registered inside the /v1 scope, so errors keep OpenAI's shape; an
 * error after the stream started is sent as a last `data: {"error": ...}` event (the official client raises
 * it), since the status line is gone by then.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../auth/caller.js';
import { toSluiceError } from '../error-handler.js';
import { isValidModelName } from '../../models/repository.js';
import type { GenerationResult, GenerationRun } from '../../models/generation/generation-service.js';
import { clientGoneSignal, startSse, type SseStream } from '../sse-stream.js';
import { parseChatRequest, parseCompletionRequest, type OpenAiGenerationRequest } from './generation-request.js';
import {
  chatCompletionResponseSchema,
  chatCompletionsBodySchema,
  completionResponseSchema,
  completionsBodySchema,
} from './generation-schemas.js';
import { OpenAiParamError } from './openai-errors.js';
import { openAiErrors } from './schemas.js';

type Body = Record<string, unknown>;

function usageOf(result: GenerationResult) {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  };
}

function errorEvent(error: unknown) {
  const answer = toSluiceError(error as Error);
  return {
    error: {
      message: answer.message,
      type: answer.statusCode >= 500 ? 'server_error' : 'invalid_request_error',
      param: null,
      code: answer.code,
    },
  };
}

/** Shapes one API's objects: the streamed chunk for a delta (or the final one) and the whole answer. */
interface Shapes {
  idPrefix: string;
  chunkObject: string;
  chunk(
    base: { id: string; created: number; model: string },
    delta: { text?: string; first?: boolean; finishReason?: string | null },
  ): object;
  whole(base: { id: string; created: number; model: string }, result: GenerationResult): object;
}

const chatShapes: Shapes = {
  idPrefix: 'chatcmpl-',
  chunkObject: 'chat.completion.chunk',
  chunk: (base, { text, first, finishReason }) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [
      {
        index: 0,
        delta: first ? { role: 'assistant', content: '' } : text !== undefined ? { content: text } : {},
        logprobs: null,
        finish_reason: finishReason ?? null,
      },
    ],
  }),
  whole: (base, result) => ({
    ...base,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: result.text }, logprobs: null, finish_reason: result.finishReason }],
    usage: usageOf(result),
  }),
};

const completionShapes: Shapes = {
  idPrefix: 'cmpl-',
  chunkObject: 'text_completion',
  chunk: (base, { text, finishReason }) => ({
    ...base,
    object: 'text_completion',
    choices: [{ text: text ?? '', index: 0, logprobs: null, finish_reason: finishReason ?? null }],
  }),
  whole: (base, result) => ({
    ...base,
    object: 'text_completion',
    choices: [{ text: result.text, index: 0, logprobs: null, finish_reason: result.finishReason }],
    usage: usageOf(result),
  }),
};

export async function openAiGenerationRoutes(app: FastifyInstance): Promise<void> {
  const { generation } = app.sluice;

  async function serve(request: FastifyRequest, reply: FastifyReply, parsed: OpenAiGenerationRequest, shapes: Shapes, modelField: string) {
    if (!isValidModelName(parsed.request.model))
      throw new OpenAiParamError('model', `model "${parsed.request.model}" is not in the repository`, 'SLUICE_ERR_MODEL_NOT_FOUND');
    const signal = clientGoneSignal(reply);
    let run: GenerationRun;
    try {
      run = generation.start({ ...parsed.request, caller: callerOf(request), deadline: request.deadline, signal });
    } catch (error) {
      // A model lookup failure is about the "model" field.
      const answer = toSluiceError(error as Error);
      if (answer.statusCode === 404) throw new OpenAiParamError('model', answer.message, answer.code);
      throw error;
    }
    const base = { id: `${shapes.idPrefix}${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: modelField };
    if (!parsed.stream) return shapes.whole(base, await run.done);

    const sse: SseStream = startSse(reply);
    const usageField = parsed.includeUsage ? { usage: null } : {};
    if (shapes === chatShapes) sse.send({ ...shapes.chunk(base, { first: true }), ...usageField });
    run.onDelta = (text) => sse.send({ ...shapes.chunk(base, { text }), ...usageField });
    try {
      const result = await run.done;
      sse.send({ ...shapes.chunk(base, { finishReason: result.finishReason }), ...usageField });
      if (parsed.includeUsage) sse.send({ ...base, object: shapes.chunkObject, choices: [], usage: usageOf(result) });
      sse.send('[DONE]');
    } catch (error) {
      if (!signal.aborted) sse.send(errorEvent(error));
    } finally {
      sse.end();
    }
    return reply;
  }

  app.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'Chat completion with a text-generation model (OpenAI-compatible; "stream": true for server-sent events)',
        body: chatCompletionsBodySchema,
        response: { 200: chatCompletionResponseSchema, ...openAiErrors },
      },
    },
    async (request: FastifyRequest<{ Body: Body }>, reply) =>
      serve(request, reply, parseChatRequest(request.body), chatShapes, request.body.model as string),
  );

  app.post(
    '/v1/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'Text completion with a text-generation model (OpenAI-compatible; "stream": true for server-sent events)',
        body: completionsBodySchema,
        response: { 200: completionResponseSchema, ...openAiErrors },
      },
    },
    async (request: FastifyRequest<{ Body: Body }>, reply) =>
      serve(request, reply, parseCompletionRequest(request.body), completionShapes, request.body.model as string),
  );
}
