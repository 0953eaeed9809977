/**
 * Triton's generate extension for text-generation models: POST /v2/models/{model}[/versions/{v}]/generate
 * (one JSON answer) and .../generate_stream (server-sent events, one `data:` object per text delta). The
 * request is `{"text_input": "...", "parameters": {...}}`; the answer `{"model_name", "model_version",
 * "text_output"}`. Errors before the stream use Sluice's `{error, code}`; after it started, a last
 * `data: {"error": ...}` event, as Triton does.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../auth/caller.js';
import { SluiceError } from '../../errors.js';
import { isValidModelName } from '../../models/repository.js';
import type { GenerationRequest } from '../../models/generation/generation-service.js';
import { errorResponseSchema, toSluiceError } from '../error-handler.js';
import { clientGoneSignal, startSse } from '../sse-stream.js';
import { modelParamsSchema, modelVersionParamsSchema } from './schemas.js';

type ModelParams = { model: string; version?: string };
type GenerateBody = { id?: string; text_input: string; parameters?: Record<string, unknown> };

const parametersSchema = {
  type: 'object',
  description: 'Sampling parameters; others are refused (SLUICE_ERR_UNSUPPORTED_PARAMETER)',
  properties: {
    max_tokens: { type: 'integer', minimum: 1 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    stop: { type: 'array', maxItems: 4, items: { type: 'string', minLength: 1 } },
    presence_penalty: { type: 'number', minimum: -2, maximum: 2 },
    frequency_penalty: { type: 'number', minimum: -2, maximum: 2 },
    stream: { type: 'boolean', description: 'Accepted when it matches the route (generate: false, generate_stream: true)' },
  },
} as const;

const generateBodySchema = {
  type: 'object',
  required: ['text_input'],
  properties: {
    id: { type: 'string', maxLength: 256 },
    text_input: { type: 'string', minLength: 1, description: 'The prompt, as it is (no chat template)' },
    parameters: parametersSchema,
  },
} as const;

const generateResponseSchema = {
  type: 'object',
  description: 'generate_stream answers text/event-stream: one such object per text delta as a data: event',
  properties: {
    id: { type: 'string' },
    model_name: { type: 'string' },
    model_version: { type: 'string' },
    text_output: { type: 'string' },
    finish_reason: { type: 'string', enum: ['stop', 'length'] },
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
  },
  required: ['model_name', 'model_version', 'text_output'],
} as const;

const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 503: errorResponseSchema };

function generationRequest(
  params: ModelParams,
  body: GenerateBody,
  stream: boolean,
): Omit<GenerationRequest, 'caller' | 'deadline' | 'signal'> {
  if (!isValidModelName(params.model))
    throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${params.model}" is not in the repository (invalid name)`);
  // Checked here, not by the schema: fastify's validator would silently drop unknown keys.
  for (const key of Object.keys(body)) {
    if (!(key in generateBodySchema.properties))
      throw new SluiceError('SLUICE_ERR_UNSUPPORTED_PARAMETER', `"${key}" is not supported (send "text_input" and "parameters")`);
  }
  const p = body.parameters ?? {};
  for (const key of Object.keys(p)) {
    if (!(key in parametersSchema.properties))
      throw new SluiceError(
        'SLUICE_ERR_UNSUPPORTED_PARAMETER',
        `"parameters.${key}" is not supported (${Object.keys(parametersSchema.properties).join(', ')})`,
      );
  }
  if (p.stream !== undefined && p.stream !== stream) {
    throw new SluiceError(
      'SLUICE_ERR_UNSUPPORTED_PARAMETER',
      `"parameters.stream" is ${String(p.stream)} but this route ${stream ? 'streams (use /generate)' : 'does not stream (use /generate_stream)'}`,
    );
  }
  return {
    model: params.model,
    version: params.version,
    prompt: { kind: 'text', text: body.text_input },
    maxTokens: p.max_tokens as number | undefined,
    temperature: p.temperature as number | undefined,
    topP: p.top_p as number | undefined,
    seed: p.seed as number | undefined,
    stop: p.stop as string[] | undefined,
    presencePenalty: p.presence_penalty as number | undefined,
    frequencyPenalty: p.frequency_penalty as number | undefined,
  };
}

export async function generateRoutes(app: FastifyInstance): Promise<void> {
  const { generation } = app.sluice;

  async function generate(request: FastifyRequest<{ Params: ModelParams; Body: GenerateBody }>) {
    const run = generation.start({
      ...generationRequest(request.params, request.body, false),
      caller: callerOf(request),
      deadline: request.deadline,
      signal: undefined,
    });
    const result = await run.done;
    return {
      ...(request.body.id !== undefined ? { id: request.body.id } : {}),
      model_name: run.modelName,
      model_version: run.modelVersion,
      text_output: result.text,
      finish_reason: result.finishReason,
      prompt_tokens: result.promptTokens,
      completion_tokens: result.completionTokens,
    };
  }

  async function generateStream(request: FastifyRequest<{ Params: ModelParams; Body: GenerateBody }>, reply: FastifyReply) {
    const signal = clientGoneSignal(reply);
    const run = generation.start({
      ...generationRequest(request.params, request.body, true),
      caller: callerOf(request),
      deadline: request.deadline,
      signal,
    });
    const sse = startSse(reply);
    const base = {
      ...(request.body.id !== undefined ? { id: request.body.id } : {}),
      model_name: run.modelName,
      model_version: run.modelVersion,
    };
    run.onDelta = (text) => sse.send({ ...base, text_output: text });
    try {
      const result = await run.done;
      sse.send({
        ...base,
        text_output: '',
        finish_reason: result.finishReason,
        prompt_tokens: result.promptTokens,
        completion_tokens: result.completionTokens,
      });
    } catch (error) {
      const answer = toSluiceError(error as Error);
      if (!signal.aborted) sse.send({ error: answer.message, code: answer.code });
    } finally {
      sse.end();
    }
    return reply;
  }

  const prefixes = [
    { prefix: '/v2/models/:model', params: modelParamsSchema, scope: 'default version' },
    { prefix: '/v2/models/:model/versions/:version', params: modelVersionParamsSchema, scope: 'a specific version or alias' },
  ];
  for (const { prefix, params, scope } of prefixes) {
    app.post(
      `${prefix}/generate`,
      {
        schema: {
          tags: ['v2'],
          summary: `Generate extension: text generation, one answer (${scope})`,
          params,
          body: generateBodySchema,
          response: { 200: generateResponseSchema, ...errors },
        },
      },
      generate,
    );
    app.post(
      `${prefix}/generate_stream`,
      {
        schema: {
          tags: ['v2'],
          summary: `Generate extension: text generation as server-sent events (${scope})`,
          params,
          body: generateBodySchema,
          response: { 200: generateResponseSchema, ...errors },
        },
      },
      generateStream,
    );
  }
}
