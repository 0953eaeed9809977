/**
 * The OpenAI-compatible API: GET /v1/models[/{model}] and POST /v1/embeddings for text-embedding models, so
 * the official `openai` client works by changing only baseURL (and apiKey). Errors use OpenAI's shape.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../../errors.js';
import { isValidModelName } from '../../models/repository.js';
import { callerOf } from '../../auth/caller.js';
import { truncateEmbeddings } from './matryoshka.js';
import { encodeEmbedding } from './embedding-encoding.js';
import { parseEmbeddingsRequest } from './embeddings-request.js';
import { OpenAiParamError, registerOpenAiErrorHandler } from './openai-errors.js';
import { openAiGenerationRoutes } from './generation-routes.js';
import { embeddingsBodySchema, embeddingsResponseSchema, modelListSchema, modelObjectResponseSchema, openAiErrors } from './schemas.js';

type EmbeddingsBody = { input?: unknown; model: string; encoding_format?: 'float' | 'base64'; dimensions?: number };

const EMBEDDING_TASK = 'text-embedding';

export async function openAiRoutes(app: FastifyInstance): Promise<void> {
  const { registry, inference } = app.sluice;
  registerOpenAiErrorHandler(app);
  await app.register(openAiGenerationRoutes);

  function modelObject(name: string) {
    const loaded = registry.describe(name).loaded!;
    return { id: name, object: 'model' as const, created: Math.floor(loaded.loadedAt.getTime() / 1000), owned_by: 'sluice' };
  }

  /** The serving version and the model's config, with lookup failures reported against the "model" field. */
  function describeModel(model: string, version?: string) {
    try {
      return registry.describe(model, version);
    } catch (error) {
      if (error instanceof SluiceError && error.statusCode === 404) throw new OpenAiParamError('model', error.message, error.code);
      throw error;
    }
  }

  app.get(
    '/v1/models',
    {
      schema: {
        tags: ['openai'],
        summary: 'Models with a ready version (OpenAI-compatible list)',
        response: { 200: modelListSchema, ...openAiErrors },
      },
    },
    async (request) => {
      // A key limited to some models sees only those.
      const allowed = request.principal?.models;
      return {
        object: 'list',
        data: registry
          .readyModels()
          .filter((m) => !allowed || allowed.includes(m.name))
          .map((m) => modelObject(m.name)),
      };
    },
  );

  app.get(
    '/v1/models/:model',
    {
      schema: {
        tags: ['openai'],
        summary: 'One model (OpenAI-compatible)',
        params: { type: 'object', properties: { model: { type: 'string' } }, required: ['model'] },
        response: { 200: modelObjectResponseSchema, ...openAiErrors },
      },
    },
    async (request: FastifyRequest<{ Params: { model: string } }>) => {
      const { model } = request.params;
      if (!isValidModelName(model)) throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${model}" is not in the repository`);
      return modelObject(model);
    },
  );

  app.post(
    '/v1/embeddings',
    {
      schema: {
        tags: ['openai'],
        summary: 'Embeddings of strings with a text-embedding model (OpenAI-compatible)',
        body: embeddingsBodySchema,
        response: { 200: embeddingsResponseSchema, ...openAiErrors },
      },
      // Embeddings are long float arrays: plain JSON.stringify beats a generated serializer here. The schema is for the docs.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request: FastifyRequest<{ Body: EmbeddingsBody }>) => {
      const parsed = parseEmbeddingsRequest(request.body);
      if (!isValidModelName(parsed.model))
        throw new OpenAiParamError('model', `model "${parsed.model}" is not in the repository`, 'SLUICE_ERR_MODEL_NOT_FOUND');
      const described = describeModel(parsed.model, parsed.version);
      const task = described.loaded!.task;
      if (task.name !== EMBEDDING_TASK) {
        throw new OpenAiParamError(
          'model',
          `model "${parsed.model}" has task "${task.name}"; /v1/embeddings needs a ${EMBEDDING_TASK} model`,
          'SLUICE_ERR_TASK_MISMATCH',
        );
      }
      const width = task.signature.outputs[0]!.shape[1]!;
      const shorter = described.config?.matryoshkaDimensions ?? [];
      if (parsed.dimensions !== undefined && parsed.dimensions !== width && !shorter.includes(parsed.dimensions)) {
        const allowed = [width, ...shorter].join(', ');
        throw new OpenAiParamError(
          'dimensions',
          `model "${parsed.model}" returns ${width}-dimensional embeddings; "dimensions" may be ${allowed} (shorter widths need "matryoshka_dimensions" in its config.json)`,
        );
      }
      const result = await inference.infer({
        model: parsed.model,
        version: parsed.version,
        inputs: [{ name: 'text', datatype: 'BYTES', shape: [parsed.texts.length], data: parsed.texts }],
        caller: callerOf(request),
        deadline: request.deadline,
      });
      const output = result.outputs[0]!;
      const rowWidth = output.shape[1]!;
      const keptWidth = Math.min(parsed.dimensions ?? rowWidth, rowWidth);
      const vectors = truncateEmbeddings(output.data as Float32Array, rowWidth, keptWidth, described.config?.normalize ?? true);
      const tokens = result.tokens ?? 0;
      return {
        object: 'list',
        data: parsed.texts.map((_, index) => ({
          object: 'embedding',
          index,
          embedding: encodeEmbedding(vectors.subarray(index * keptWidth, (index + 1) * keptWidth), parsed.encodingFormat),
        })),
        model: parsed.version ? `${parsed.model}:${parsed.version}` : parsed.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    },
  );
}
