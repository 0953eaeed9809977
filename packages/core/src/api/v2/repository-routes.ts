/**
 * The model repository extension: index, load (optionally with a config override) and unload, plus aliases
 * and weighted traffic splits. Management routes (scopes in auth/route-rules.ts); every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audited } from '../../auth/audit.js';
import { SluiceError } from '../../errors.js';
import { modelNameSchema } from '../../models/model-name.js';
import { errorResponseSchema } from '../error-handler.js';

type ModelParams = { model: string };

const indexEntrySchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    state: { type: 'string', enum: ['UNKNOWN', 'READY', 'UNAVAILABLE', 'LOADING', 'UNLOADING'] },
    reason: { type: 'string' },
  },
} as const;

const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 503: errorResponseSchema };
const modelParams = { type: 'object', properties: { model: modelNameSchema }, required: ['model'] } as const;
/** A config override is small; bound it before it is parsed (its values are bounded by the config schema). */
const MAX_CONFIG_OVERRIDE_CHARS = 64 * 1024;

/** Triton sends the override as parameters.config, a JSON string; an object is accepted too. */
function configOverrideOf(body: unknown): unknown {
  if (body === undefined || body === null) return undefined;
  const config = (body as { parameters?: { config?: unknown } }).parameters?.config;
  if (config === undefined) return undefined;
  if (typeof config !== 'string') return config;
  try {
    return JSON.parse(config);
  } catch {
    throw new SluiceError('SLUICE_ERR_BAD_REQUEST', 'parameters.config is not valid JSON');
  }
}

export async function repositoryRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.sluice;

  app.post(
    '/v2/repository/index',
    {
      schema: {
        tags: ['repository'],
        summary: 'List every model and version in the repository with its state',
        body: { type: ['object', 'null'], properties: { ready: { type: 'boolean' } } },
        response: { 200: { type: 'array', items: indexEntrySchema }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Body: { ready?: boolean } | null }>) => {
      // A key limited to some models sees only those: the listing must not reveal the others.
      const allowed = request.principal?.models;
      const entries = registry.index().filter((e) => !allowed || allowed.includes(e.name));
      return request.body?.ready === true ? entries.filter((e) => e.state === 'READY') : entries;
    },
  );

  app.post(
    '/v2/repository/models/:model/load',
    {
      schema: {
        tags: ['repository'],
        summary: 'Load or reload a model (new versions load in the background; the switch is atomic)',
        params: modelParams,
        body: {
          type: ['object', 'null'],
          properties: {
            parameters: { type: 'object', properties: { config: { type: ['string', 'object'], maxLength: MAX_CONFIG_OVERRIDE_CHARS } } },
          },
        },
        response: { 200: { type: 'object', properties: { name: { type: 'string' }, loaded: { type: 'boolean' } } }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams; Body: unknown }>) => {
      await audited(request, { action: 'model.load', resource: { type: 'model', id: request.params.model } }, () =>
        registry.load(request.params.model, configOverrideOf(request.body)),
      );
      return { name: request.params.model, loaded: true };
    },
  );

  app.post(
    '/v2/repository/models/:model/unload',
    {
      schema: {
        tags: ['repository'],
        summary: 'Unload a model; requests already running finish first',
        params: modelParams,
        response: { 200: { type: 'object', properties: { name: { type: 'string' }, unloaded: { type: 'boolean' } } }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams }>) => {
      await audited(request, { action: 'model.unload', resource: { type: 'model', id: request.params.model } }, () =>
        registry.unload(request.params.model),
      );
      return { name: request.params.model, unloaded: true };
    },
  );
}
