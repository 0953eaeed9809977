/**
 * The built-in steps a pipeline.json may name, by op. Only the product's own code is here: a repository can
 * wire these together but can never bring code of its own.
 */
import type { StepOp } from './step-op.js';
import { AUDIO_STEP_OPS } from './steps/audio/index.js';
import { IMAGE_STEP_OPS } from './steps/image/index.js';
import { TENSOR_STEP_OPS } from './steps/tensor/index.js';
import { MODEL_STEP_OPS } from './steps/model/index.js';

export type StepCatalogue = ReadonlyMap<string, StepOp>;

export function createStepCatalogue(ops: readonly StepOp[] = BUILT_IN_STEP_OPS): StepCatalogue {
  const catalogue = new Map<string, StepOp>();
  for (const op of ops) {
    if (catalogue.has(op.op)) throw new Error(`two built-in steps are named "${op.op}"`);
    catalogue.set(op.op, op);
  }
  return catalogue;
}

export const BUILT_IN_STEP_OPS: readonly StepOp[] = [...TENSOR_STEP_OPS, ...MODEL_STEP_OPS, ...AUDIO_STEP_OPS, ...IMAGE_STEP_OPS];
