/** Turns what ORT reports about a session into the protocol's view: V2 datatypes and -1 for dynamic dims. */
import { PublicLoadError } from './load-failure.js';
import { v2DatatypeOf } from './tensors/datatypes.js';
import type { ModelSignature, TensorSpec } from './tensors/tensor.js';
import type { WireValueInfo } from './runtime/worker-protocol.js';

function toSpec(info: WireValueInfo, direction: 'input' | 'output'): TensorSpec {
  const datatype = info.isTensor ? v2DatatypeOf(info.type) : undefined;
  if (!datatype) {
    throw new PublicLoadError(
      `${direction} "${info.name}" has type ${info.isTensor ? info.type : 'non-tensor'}, which the Open Inference Protocol cannot carry`,
    );
  }
  return { name: info.name, datatype, shape: info.shape.map((dim) => (typeof dim === 'number' && dim >= 0 ? dim : -1)) };
}

export function signatureFromSession(inputs: WireValueInfo[], outputs: WireValueInfo[]): ModelSignature {
  return { inputs: inputs.map((i) => toSpec(i, 'input')), outputs: outputs.map((o) => toSpec(o, 'output')) };
}
