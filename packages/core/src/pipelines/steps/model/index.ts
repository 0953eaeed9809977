/** Steps that run a member model in a way a plain model step cannot (in groups, frame by frame ...). */
import type { StepOp } from '../../step-op.js';
import { runByWidthOp } from './run-by-width.js';

export const MODEL_STEP_OPS: readonly StepOp[] = [runByWidthOp];
