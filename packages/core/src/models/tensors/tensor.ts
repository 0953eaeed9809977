import type { TensorData, V2Datatype } from './datatypes.js';

/** A tensor as the server handles it between the HTTP codec, the tasks and the ORT worker. */
export interface Tensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
}

/** The declared shape of a model input or output; -1 marks a dynamic dimension. */
export interface TensorSpec {
  name: string;
  datatype: V2Datatype;
  shape: number[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}
