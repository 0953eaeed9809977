/**
 * Where requests without a version go: named aliases (e.g. stable, canary) and a weighted traffic split
 * between versions (e.g. 90/10). Part of the repository management API; every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audited } from '../../auth/audit.js';
import type { RouteAccess } from '../../extensions.js';
import { aliasNameSchema, modelNameSchema, versionNumberSchema } from '../../models/model-name.js';
import { MAX_TRAFFIC_VERSIONS, MAX_TRAFFIC_WEIGHT } from '../../models/version-routing.js';
import { errorResponseSchema } from '../error-handler.js';

type AliasParams = { model: string; alias: string };
type ModelParams = { model: string };

const writeModel: RouteAccess = { scopes: ['models:write'], modelParam: 'model' };
const readModel: RouteAccess = { scopes: ['models:read'], modelParam: 'model' };
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };
const aliasesSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, aliases: { type: 'object', additionalProperties: { type: 'integer' } } },
} as const;
const trafficSchema = {
  type: 'object',
  properties: {
    versions: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_TRAFFIC_VERSIONS,
      items: {
        type: 'object',
        properties: { version: versionNumberSchema, weight: { type: 'number', minimum: 0, maximum: MAX_TRAFFIC_WEIGHT } },
        required: ['version', 'weight'],
        additionalProperties: false,
      },
    },
  },
  required: ['versions'],
  additionalProperties: false,
} as const;
const modelParams = { type: 'object', properties: { model: modelNameSchema }, required: ['model'] } as const;
const aliasParams = {
  type: 'object',
  properties: { model: modelNameSchema, alias: aliasNameSchema },
  required: ['model', 'alias'],
} as const;

export async function routingRoutes(app: FastifyInstance): Promise<void> {
  const { registry } = app.sluice;

  app.get(
    '/v2/repository/models/:model/aliases',
    {
      config: { auth: readModel },
      schema: {
        tags: ['repository'],
        summary: "A model's aliases (config.json's, overridden by those set through the API)",
        params: modelParams,
        response: { 200: aliasesSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams }>) => ({
      name: request.params.model,
      aliases: registry.aliasesOf(request.params.model),
    }),
  );

  app.put(
    '/v2/repository/models/:model/aliases/:alias',
    {
      config: { auth: writeModel },
      schema: {
        tags: ['repository'],
        summary: 'Point an alias at a version; "default" picks the version served when a request names none',
        params: aliasParams,
        body: { type: 'object', properties: { version: versionNumberSchema }, required: ['version'], additionalProperties: false },
        response: { 200: aliasesSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: AliasParams; Body: { version: number } }>) => {
      const { model, alias } = request.params;
      await audited(
        request,
        { action: 'model.alias.set', resource: { type: 'model', id: `${model}:${alias}=${request.body.version}` } },
        () => registry.setAlias(model, alias, request.body.version),
      );
      return { name: model, aliases: registry.aliasesOf(model) };
    },
  );

  app.delete(
    '/v2/repository/models/:model/aliases/:alias',
    {
      config: { auth: writeModel },
      schema: {
        tags: ['repository'],
        summary: 'Remove an alias set through the API',
        params: aliasParams,
        response: { 200: aliasesSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: AliasParams }>) => {
      const { model, alias } = request.params;
      await audited(request, { action: 'model.alias.delete', resource: { type: 'model', id: `${model}:${alias}` } }, () =>
        registry.setAlias(model, alias, null),
      );
      return { name: model, aliases: registry.aliasesOf(model) };
    },
  );

  app.get(
    '/v2/repository/models/:model/traffic',
    {
      config: { auth: readModel },
      schema: {
        tags: ['repository'],
        summary: 'The weighted traffic split for requests that name no version (null when none)',
        params: modelParams,
        response: { 200: { type: 'object', nullable: true, properties: trafficSchema.properties }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams }>) => registry.trafficOf(request.params.model) ?? null,
  );

  app.put(
    '/v2/repository/models/:model/traffic',
    {
      config: { auth: writeModel },
      schema: {
        tags: ['repository'],
        summary: 'Split requests that name no version between versions by weight, e.g. 90/10 canary',
        params: modelParams,
        body: trafficSchema,
        response: { 200: trafficSchema, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams; Body: { versions: { version: number; weight: number }[] } }>) => {
      const { model } = request.params;
      const split = { versions: request.body.versions };
      const summary = split.versions.map((v) => `${v.version}:${v.weight}`).join(',');
      await audited(request, { action: 'model.traffic.set', resource: { type: 'model', id: `${model}[${summary}]` } }, () =>
        registry.setTraffic(model, split),
      );
      return split;
    },
  );

  app.delete(
    '/v2/repository/models/:model/traffic',
    {
      config: { auth: writeModel },
      schema: {
        tags: ['repository'],
        summary: 'Remove the traffic split (requests without a version go to the default again)',
        params: modelParams,
        response: {
          200: { type: 'object', properties: { name: { type: 'string' }, traffic: { type: 'object', nullable: true } } },
          ...errors,
        },
      },
    },
    async (request: FastifyRequest<{ Params: ModelParams }>) => {
      const { model } = request.params;
      await audited(request, { action: 'model.traffic.clear', resource: { type: 'model', id: model } }, () =>
        registry.setTraffic(model, undefined),
      );
      return { name: model, traffic: null };
    },
  );
}
