/**
 * Triton's statistics extension: GET /v2/models/stats, /v2/models/{m}/stats, /v2/models/{m}/versions/{v}/stats
 * (scope models:read). Cumulative per version since the server started (observability/model-statistics.ts), for
 * every version that is ready or has served a request; a key limited to some models sees only those.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SluiceError } from '../../errors.js';
import { isValidModelName } from '../../models/repository.js';
import type { TritonModelStat } from '../../observability/model-statistics.js';
import { errorResponseSchema } from '../error-handler.js';
import { modelParamsSchema, modelVersionParamsSchema } from './schemas.js';

const durationSchema = {
  type: 'object',
  properties: { count: { type: 'integer' }, ns: { type: 'integer', description: 'Cumulative nanoseconds' } },
  required: ['count', 'ns'],
} as const;

const modelStatSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    last_inference: { type: 'integer', description: 'Unix milliseconds of the last request (0: none yet)' },
    inference_count: { type: 'integer', description: 'Items (rows along dim 0) of successful requests' },
    execution_count: {
      type: 'integer',
      description: 'Successful ONNX Runtime executions (fewer than requests when dynamic batching merges them)',
    },
    inference_stats: {
      type: 'object',
      properties: {
        success: { ...durationSchema, description: 'Successful requests, end to end' },
        fail: { ...durationSchema, description: 'Failed requests' },
        queue: {
          ...durationSchema,
          description: 'Time before the execution started (routing, validation, tokenization, the batching queue)',
        },
        compute_input: { ...durationSchema, description: 'Executions; their input handling is timed within compute_infer (0 ns)' },
        compute_infer: { ...durationSchema, description: 'ONNX Runtime executions' },
        compute_output: { ...durationSchema, description: 'Executions; their output handling is timed within compute_infer (0 ns)' },
        cache_hit: { ...durationSchema, description: 'Always 0 (no response cache)' },
        cache_miss: { ...durationSchema, description: 'Always 0 (no response cache)' },
      },
      required: ['success', 'fail', 'queue', 'compute_input', 'compute_infer', 'compute_output', 'cache_hit', 'cache_miss'],
    },
    batch_stats: {
      type: 'array',
      description: 'Executions per batch size (rows along dim 0 of the execution; 1 for graphs without a batch dimension)',
      items: {
        type: 'object',
        properties: {
          batch_size: { type: 'integer' },
          compute_input: durationSchema,
          compute_infer: durationSchema,
          compute_output: durationSchema,
        },
        required: ['batch_size', 'compute_input', 'compute_infer', 'compute_output'],
      },
    },
  },
  required: ['name', 'version', 'last_inference', 'inference_count', 'execution_count', 'inference_stats', 'batch_stats'],
} as const;

const d = (count: number, ns: number) => ({ count, ns });
const statsResponseSchema = {
  type: 'object',
  properties: { model_stats: { type: 'array', items: modelStatSchema } },
  required: ['model_stats'],
  example: {
    model_stats: [
      {
        name: 'sentiment',
        version: '1',
        last_inference: 1_796_130_000_000,
        inference_count: 12,
        execution_count: 9,
        inference_stats: {
          success: d(10, 48_000_000),
          fail: d(1, 200_000),
          queue: d(10, 9_000_000),
          compute_input: d(9, 0),
          compute_infer: d(9, 36_000_000),
          compute_output: d(9, 0),
          cache_hit: d(0, 0),
          cache_miss: d(0, 0),
        },
        batch_stats: [
          { batch_size: 1, compute_input: d(8, 0), compute_infer: d(8, 30_000_000), compute_output: d(8, 0) },
          { batch_size: 4, compute_input: d(1, 0), compute_infer: d(1, 6_000_000), compute_output: d(1, 0) },
        ],
      },
    ],
  },
} as const;

const errors = { 400: errorResponseSchema, 404: errorResponseSchema };

export async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  const { registry, statistics } = app.sluice;

  /** Versions to report: ready ones, and any that served a request; by model, then version. */
  function reported(model?: string): TritonModelStat[] {
    return registry
      .index()
      .filter((entry) => entry.version !== undefined && (model === undefined || entry.name === model))
      .filter((entry) => entry.state === 'READY' || statistics.has(entry.name, entry.version!))
      .sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version))
      .map((entry) => statistics.snapshot(entry.name, entry.version!));
  }

  function knownModel(model: string): string {
    if (!isValidModelName(model) || !registry.hasModel(model))
      throw new SluiceError('SLUICE_ERR_MODEL_NOT_FOUND', `model "${model}" is not in the repository`);
    return model;
  }

  app.get(
    '/v2/models/stats',
    {
      schema: { tags: ['v2'], summary: 'Statistics of every model version (statistics extension)', response: { 200: statsResponseSchema } },
    },
    async (request) => {
      const allowed = request.principal?.models;
      return { model_stats: reported().filter((stat) => !allowed || allowed.includes(stat.name)) };
    },
  );

  app.get(
    '/v2/models/:model/stats',
    {
      schema: {
        tags: ['v2'],
        summary: "Statistics of a model's versions (statistics extension)",
        params: modelParamsSchema,
        response: { 200: statsResponseSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: { model: string } }>) => ({ model_stats: reported(knownModel(request.params.model)) }),
  );

  app.get(
    '/v2/models/:model/versions/:version/stats',
    {
      schema: {
        tags: ['v2'],
        summary: 'Statistics of one model version (statistics extension); the version may be an alias',
        params: modelVersionParamsSchema,
        response: { 200: statsResponseSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: { model: string; version: string } }>) => {
      const model = knownModel(request.params.model);
      const version = String(registry.versionOf(model, request.params.version));
      return { model_stats: [statistics.snapshot(model, version)] };
    },
  );
}
