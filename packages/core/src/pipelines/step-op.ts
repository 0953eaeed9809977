/**
 * The contract every built-in pipeline step implements. A pipeline (pipeline.json in a version folder) wires
 * named tensors through steps; each step is either a member model (run through the inference layer) or one of
 * these ops, which are the product's own code: a repository is data, never a plugin.
 */
import type { Tensor } from '../models/tensors/tensor.js';

/** What a running step may use besides its inputs. */
export interface StepContext {
  /** The pipeline's model name and the step's name, for messages. */
  readonly pipeline: string;
  readonly step: string;
  /**
   * Runs a member model through the inference layer (routing, aliases, validation, batching, hot swap, the
   * request's deadline). Errors come back as SluiceError with the member's code.
   */
  invoke(model: string, version: string | undefined, inputs: Tensor[], outputs: string[]): Promise<MemberAnswer>;
}

export interface MemberAnswer {
  outputs: Tensor[];
  /** The version that answered: a step that calls a member many times pins it (stateful models). */
  modelVersion: string;
}

/** Files of the pipeline's version folder an op may read at load time (a dictionary, a label list). */
export interface StepFiles {
  /** Reads a file by a path relative to the version folder; refuses paths that leave it. */
  readText(relativePath: string): Promise<string>;
}

/** A step ready to run: input tensors by port name in, output tensors by port name out. */
export type PreparedStep = (inputs: Record<string, Tensor>, context: StepContext) => Promise<Record<string, Tensor>>;

export interface StepOp {
  /** The name pipeline.json uses, e.g. "image.decode". */
  readonly op: string;
  /** One line for docs and errors. */
  readonly summary: string;
  /** Input ports the op needs (pipeline.json maps each to a tensor name); optional ones end with "?". */
  readonly inputs: readonly string[];
  /** Output ports the op produces. */
  readonly outputs: readonly string[];
  /** JSON schema of `params` (checked at load with Ajv, no coercion, no extra keys). */
  readonly paramsSchema: object;
  /**
   * Builds the runner once per loaded version; `params` already passed paramsSchema. Throws (a plain Error is
   * fine) when params are unusable; the load then fails naming the step.
   */
  prepare(params: Record<string, unknown>, files: StepFiles): PreparedStep | Promise<PreparedStep>;
}
