/**
 * Why a model or version could not be loaded, in two parts: a public reason that names no server path and
 * echoes no file content (it reaches response bodies, which infer-only keys read), and a private detail
 * (the raw parser or ONNX Runtime message, with paths) that only goes to the log.
 */

/** The step of a load that failed; each has its own public wording. */
export type LoadStage = 'config' | 'session' | 'signature' | 'task' | 'batching';

export class LoadFailure extends Error {
  constructor(
    readonly stage: LoadStage,
    /** Safe to show to any caller. */
    readonly publicReason: string,
    /** For the log only: may hold absolute paths and raw parser output. */
    readonly detail: string,
  ) {
    super(publicReason);
    this.name = 'LoadFailure';
  }
}

/** An error whose message was written to be shown (it names keys and tensors, never paths or file bytes). */
export class PublicLoadError extends Error {}

const STAGE_REASONS: Record<LoadStage, string> = {
  config: 'config.json cannot be used',
  session: 'ONNX Runtime cannot load model.onnx (not a valid ONNX model, or an operator it does not support)',
  signature: 'the model has inputs or outputs the Open Inference Protocol cannot carry',
  task: 'the model files do not fit the task set in config.json',
  batching: 'dynamic batching cannot be set up for this model',
};

/** Wraps whatever a load step threw. Messages of PublicLoadError and LoadFailure pass through; others stay private. */
export function loadFailureOf(stage: LoadStage, error: unknown, context = ''): LoadFailure {
  if (error instanceof LoadFailure) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const reason = error instanceof PublicLoadError ? error.message : `${STAGE_REASONS[stage]}${context}`;
  return new LoadFailure(stage, reason, detail);
}

/** Runs one load step, turning what it throws into a LoadFailure of that stage. */
export async function loadStep<T>(stage: LoadStage, step: () => T | Promise<T>, context = ''): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw loadFailureOf(stage, error, context);
  }
}
