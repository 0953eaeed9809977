/** JSON schemas of the Open Inference Protocol, used for the OpenAPI document and response serialisation. */
import { V2_DATATYPES } from '../../models/tensors/datatypes.js';

export const tensorMetadataSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    datatype: { type: 'string', enum: [...V2_DATATYPES] },
    shape: { type: 'array', items: { type: 'integer' }, description: '-1 marks a dynamic dimension' },
  },
  required: ['name', 'datatype', 'shape'],
} as const;

export const modelMetadataSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    versions: { type: 'array', items: { type: 'string' } },
    platform: { type: 'string' },
    inputs: { type: 'array', items: tensorMetadataSchema },
    outputs: { type: 'array', items: tensorMetadataSchema },
    parameters: { type: 'object', additionalProperties: true },
  },
  required: ['name', 'platform', 'inputs', 'outputs'],
} as const;

/** Path parameters of /v2/models/{model}/... (no version: the default version is meant). */
export const modelParamsSchema = {
  type: 'object',
  properties: { model: { type: 'string' } },
  required: ['model'],
} as const;

/** Path parameters of /v2/models/{model}/versions/{version}/... (a version number or alias). */
export const modelVersionParamsSchema = {
  type: 'object',
  properties: { model: { type: 'string' }, version: { type: 'string', description: 'A version number or an alias' } },
  required: ['model', 'version'],
} as const;

const requestTensorSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    shape: { type: 'array', maxItems: 32, items: { type: 'integer', minimum: 1 } },
    datatype: { type: 'string', enum: [...V2_DATATYPES] },
    parameters: { type: 'object', properties: { binary_data_size: { type: 'integer', minimum: 0 } } },
    data: { type: 'array', description: 'flat or nested row-major (at most 32 levels); omitted when binary_data_size is given' },
  },
  required: ['name', 'shape', 'datatype'],
} as const;

export const inferRequestSchema = {
  type: 'object',
  description:
    'application/json, or the binary tensor data extension: this JSON as the first Inference-Header-Content-Length bytes, then raw tensor bytes',
  properties: {
    id: { type: 'string' },
    parameters: { type: 'object', properties: { binary_data_output: { type: 'boolean' } } },
    inputs: { type: 'array', items: requestTensorSchema },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        properties: { name: { type: 'string' }, parameters: { type: 'object', properties: { binary_data: { type: 'boolean' } } } },
        required: ['name'],
      },
    },
  },
  required: ['inputs'],
} as const;

export const inferResponseSchema = {
  type: 'object',
  properties: {
    model_name: { type: 'string' },
    model_version: { type: 'string' },
    id: { type: 'string' },
    outputs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          shape: { type: 'array', items: { type: 'integer' } },
          datatype: { type: 'string' },
          parameters: { type: 'object', properties: { binary_data_size: { type: 'integer' } } },
          data: { type: 'array' },
        },
      },
    },
  },
} as const;
