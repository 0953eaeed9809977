/** JSON schemas of the OpenAI-compatible routes, for validation and /openapi.json. */
import { ERROR_CATALOGUE } from '../../errors.js';

export const openAiErrorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        message: { type: 'string' },
        type: {
          type: 'string',
          enum: ['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'server_error'],
        },
        param: { type: 'string', nullable: true },
        code: {
          type: 'string',
          pattern: '^SLUICE_(?:[A-Z]+_)?ERR_[A-Z0-9_]+$',
          description: `a core code (${Object.keys(ERROR_CATALOGUE).length} in the catalogue, e.g. SLUICE_ERR_MODEL_NOT_FOUND) or a plugin's SLUICE_<PLUGIN>_ERR_* (e.g. SLUICE_EE_ERR_QUOTA_EXCEEDED)`,
        },
      },
      required: ['message', 'type', 'param', 'code'],
    },
  },
  required: ['error'],
} as const;

export const openAiErrors = {
  400: openAiErrorSchema,
  401: openAiErrorSchema,
  403: openAiErrorSchema,
  404: openAiErrorSchema,
  413: openAiErrorSchema,
  422: openAiErrorSchema,
  429: openAiErrorSchema,
  503: openAiErrorSchema,
};

const modelObjectSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The model name (use "name:version" in requests to pin a version or alias)' },
    object: { type: 'string', enum: ['model'] },
    created: { type: 'integer', description: 'Unix seconds when the serving version was loaded' },
    owned_by: { type: 'string' },
  },
  required: ['id', 'object', 'created', 'owned_by'],
} as const;

export const modelListSchema = {
  type: 'object',
  properties: { object: { type: 'string', enum: ['list'] }, data: { type: 'array', items: modelObjectSchema } },
  required: ['object', 'data'],
} as const;

export const modelObjectResponseSchema = modelObjectSchema;

export const embeddingsBodySchema = {
  type: 'object',
  required: ['input', 'model'],
  properties: {
    input: {
      description:
        "A string or an array of up to 2048 non-empty strings. Token arrays are refused (the server tokenizes with the model's tokenizer).",
      anyOf: [{ type: 'string' }, { type: 'array', items: {} }],
    },
    model: { type: 'string', minLength: 1, description: 'A model whose task is text-embedding, optionally "name:version"' },
    encoding_format: { type: 'string', enum: ['float', 'base64'], description: 'float (default) or base64 of little-endian float32' },
    dimensions: {
      type: 'integer',
      minimum: 1,
      description: "The model's embedding width, or one of the shorter widths its config.json lists in matryoshka_dimensions",
    },
    user: { type: 'string', description: 'Accepted for compatibility; not stored' },
  },
} as const;

export const embeddingsResponseSchema = {
  type: 'object',
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          object: { type: 'string', enum: ['embedding'] },
          index: { type: 'integer' },
          embedding: {
            anyOf: [
              { type: 'array', items: { type: 'number' } },
              { type: 'string', description: 'base64' },
            ],
          },
        },
      },
    },
    model: { type: 'string' },
    usage: { type: 'object', properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
  },
} as const;
