/**
 * API key administration (scope admin): list, create (the token is in the 201 response and nowhere else),
 * revoke. The CLI's `sluice keys` does the same against the data directory. Every call is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { audited, emitAudit } from '../../auth/audit.js';
import { parseExpiry } from '../../auth/duration.js';
import { SCOPES } from '../../auth/scopes.js';
import { SluiceError } from '../../errors.js';
import { errorResponseSchema } from '../error-handler.js';

interface CreateKeyBody {
  name: string;
  scopes: string[];
  models?: string[];
  /** "30d", "12h", ... or an ISO 8601 date. */
  expires?: string;
  rateLimit?: { max: number; windowMs: number };
}

const keySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'array', items: { type: 'string' } },
    models: { type: ['array', 'null'], items: { type: 'string' } },
    createdAt: { type: 'string' },
    expiresAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'] },
    rateLimit: { type: ['object', 'null'], properties: { max: { type: 'integer' }, windowMs: { type: 'integer' } } },
    status: { type: 'string', enum: ['active', 'expired', 'revoked'] },
  },
} as const;

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  429: errorResponseSchema,
};

export async function adminKeyRoutes(app: FastifyInstance): Promise<void> {
  const { apiKeys } = app.sluice;

  app.get(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'List API keys (never their secrets)',
        response: { 200: { type: 'object', properties: { keys: { type: 'array', items: keySchema } } }, ...errors },
      },
    },
    async (request) => audited(request, { action: 'key.list', resource: { type: 'api-key' } }, () => ({ keys: apiKeys.list() })),
  );

  app.post(
    '/admin/keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the token is shown in this response only',
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] }, minItems: 1 },
            models: { type: 'array', items: { type: 'string' }, minItems: 1 },
            expires: { type: 'string' },
            rateLimit: {
              type: 'object',
              required: ['max', 'windowMs'],
              additionalProperties: false,
              properties: { max: { type: 'integer' }, windowMs: { type: 'integer' } },
            },
          },
        },
        response: { 201: { type: 'object', properties: { key: keySchema, token: { type: 'string' } } }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Body: CreateKeyBody }>, reply) => {
      const body = request.body;
      emitAudit(request, { action: 'key.create', outcome: 'requested', resource: { type: 'api-key' } }); // intent first: audit fails closed
      let created;
      try {
        let expiresAt: number | undefined;
        if (body.expires !== undefined) {
          expiresAt = parseExpiry(body.expires, Date.now());
          if (expiresAt === undefined)
            throw new SluiceError(
              'SLUICE_ERR_BAD_REQUEST',
              `expires must be a duration like 30d, 12h, 15m or an ISO date, got "${body.expires}"`,
            );
        }
        created = apiKeys.create({ name: body.name, scopes: body.scopes, models: body.models, expiresAt, rateLimit: body.rateLimit });
      } catch (error) {
        emitAudit(request, { action: 'key.create', outcome: 'failure', resource: { type: 'api-key' }, reason: (error as Error).message });
        throw error;
      }
      emitAudit(request, { action: 'key.create', outcome: 'success', resource: { type: 'api-key', id: created.key.id } });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/admin/keys/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key (it stops working at once; the record stays for audit)',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: { type: 'object', properties: { key: keySchema } }, ...errors },
      },
    },
    async (request: FastifyRequest<{ Params: { id: string } }>) =>
      audited(request, { action: 'key.revoke', resource: { type: 'api-key', id: request.params.id } }, () => ({
        key: apiKeys.revoke(request.params.id),
      })),
  );
}
