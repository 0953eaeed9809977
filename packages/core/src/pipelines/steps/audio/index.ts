/** The built-in audio steps a pipeline.json may name (see each op's file). */
import type { StepOp } from '../../step-op.js';
import { audioDecodeOp } from './decode-op.js';
import { audioResampleOp } from './resample-op.js';
import { scanFramesOp } from './scan-frames-op.js';
import { speechSegmentsOp } from './speech-segments-op.js';

export const AUDIO_STEP_OPS: StepOp[] = [audioDecodeOp, audioResampleOp, scanFramesOp, speechSegmentsOp];
