/**
 * The JSON Schema of pipeline.json (a pipeline version's "model file"): its public signature and its steps.
 * Every count and string is bounded; the wiring between steps is checked after the schema (pipeline-spec.ts).
 */
import { V2_DATATYPES } from '../models/tensors/datatypes.js';
import { MODEL_NAME_PATTERN } from '../models/model-name.js';

export const PIPELINE_LIMITS = { steps: 64, tensors: 64, ports: 32, rank: 8, nameLength: 128 } as const;

const name = { type: 'string', minLength: 1, maxLength: PIPELINE_LIMITS.nameLength, pattern: '^[A-Za-z0-9_.:/-]+$' } as const;
const portMap = {
  type: 'object',
  maxProperties: PIPELINE_LIMITS.ports,
  propertyNames: { maxLength: PIPELINE_LIMITS.nameLength },
  additionalProperties: name,
} as const;
const tensorSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'datatype', 'shape'],
  properties: {
    name,
    datatype: { enum: [...V2_DATATYPES] },
    shape: { type: 'array', maxItems: PIPELINE_LIMITS.rank, items: { type: 'integer', minimum: -1, maximum: 1_000_000_000 } },
  },
} as const;

export const pipelineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['inputs', 'outputs', 'steps'],
  properties: {
    inputs: { type: 'array', minItems: 1, maxItems: PIPELINE_LIMITS.tensors, items: tensorSpec },
    outputs: { type: 'array', minItems: 1, maxItems: PIPELINE_LIMITS.tensors, items: tensorSpec },
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: PIPELINE_LIMITS.steps,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'inputs', 'outputs'],
        // Exactly one of: a built-in op, or a member model.
        oneOf: [{ required: ['op'] }, { required: ['model'] }],
        properties: {
          name,
          op: { type: 'string', maxLength: PIPELINE_LIMITS.nameLength },
          model: { type: 'string', pattern: MODEL_NAME_PATTERN.source },
          version: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
          params: { type: 'object' },
          inputs: portMap,
          outputs: portMap,
        },
      },
    },
  },
} as const;

export interface RawPipelineStep {
  name: string;
  op?: string;
  model?: string;
  version?: string;
  params?: Record<string, unknown>;
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

export interface RawPipeline {
  inputs: { name: string; datatype: (typeof V2_DATATYPES)[number]; shape: number[] }[];
  outputs: { name: string; datatype: (typeof V2_DATATYPES)[number]; shape: number[] }[];
  steps: RawPipelineStep[];
}
