/** Generic tensor steps any pipeline can use. */
import type { StepOp } from '../../step-op.js';
import { argmaxOp } from './argmax.js';
import { labelsOp } from './labels.js';

export const TENSOR_STEP_OPS: readonly StepOp[] = [argmaxOp, labelsOp];
