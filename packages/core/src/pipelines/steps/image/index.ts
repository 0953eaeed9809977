/** The built-in image steps (and the CTC text decoder that reads what a text recognizer sees in them). */
import type { StepOp } from '../../step-op.js';
import { cropRegionsOp } from './crop-regions.js';
import { ctcDecodeOp } from './ctc-decode.js';
import { imageDecode } from './decode.js';
import { filterLinesOp } from './filter-lines.js';
import { textRegionsOp } from './text-regions.js';
import { imageToTensorOp } from './to-tensor.js';

export const IMAGE_STEP_OPS: StepOp[] = [imageDecode, imageToTensorOp, textRegionsOp, cropRegionsOp, ctcDecodeOp, filterLinesOp];
