/** tensor.labels: class indices to their names (BYTES), from the step's `labels` list. */
import { SluiceError } from '../../../errors.js';
import type { StepOp } from '../../step-op.js';

export const labelsOp: StepOp = {
  op: 'tensor.labels',
  summary: 'Class indices (any integer type) to label names (BYTES) from params.labels.',
  inputs: ['indices'],
  outputs: ['labels'],
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['labels'],
    properties: { labels: { type: 'array', minItems: 1, maxItems: 100_000, items: { type: 'string', maxLength: 256 } } },
  },
  prepare: (params) => {
    const labels = params.labels as string[];
    return async (inputs) => {
      const indices = inputs.indices!;
      if (typeof indices.data[0] === 'string' || indices.data instanceof Float32Array || indices.data instanceof Float64Array)
        throw new SluiceError('SLUICE_ERR_PIPELINE_STEP_FAILED', `input "indices" must hold integers, got ${indices.datatype}`);
      const names = Array.from(indices.data as ArrayLike<number | bigint>, (value, i) => {
        const label = labels[Number(value)];
        if (label === undefined)
          throw new SluiceError(
            'SLUICE_ERR_PIPELINE_STEP_FAILED',
            `index ${String(value)} at element ${i} has no label (${labels.length} labels)`,
          );
        return label;
      });
      return { labels: { name: 'labels', datatype: 'BYTES', shape: indices.shape, data: names } };
    };
  },
};
