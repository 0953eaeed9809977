import type { TensorData, V2Datatype } from './datatypes.js';

/** A tensor as the server handles it between the HTTP codec, the tasks and the ORT worker. */
export interface Tensor {
  name: string;
  datatype: V2Datatype;
  shape: number[];
  data: TensorData;
  /**
   * BYTES sent as bytes (the binary extension, a multipart upload): each element exactly as sent. `data` then
   * holds the same elements decoded as UTF-8 with replacement; a model that reads text refuses elements that
   * are not valid UTF-8 (validateInputs), a pipeline that reads files (an image, a WAV) uses these bytes.
   */
  raw?: Uint8Array[];
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
