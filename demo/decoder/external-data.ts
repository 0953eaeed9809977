/**
 * Moves large initializers out of the ModelProto into one external data file, the layout ONNX
 * uses for models past protobuf's 2 GB limit (`onnx/model.onnx` + `onnx/model.onnx_data`;
 * each tensor records location, offset and length).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { proto, type onnx } from '../onnx-builder.js';

/** Tensors smaller than this stay inline (shapes, scalars, norm weights are tiny). */
const MIN_EXTERNAL_BYTES = 1024;
/** Offsets aligned like the ONNX exporter's, so a runtime can map the file page-friendly. */
const ALIGNMENT = 4096;

/** Writes the large tensors to `dataPath` and points the model at `location` (relative to the .onnx). */
export function moveToExternalData(model: onnx.IModelProto, dataPath: string, location: string): number {
  const fd = openSync(dataPath, 'w');
  let offset = 0;
  try {
    for (const tensor of model.graph?.initializer ?? []) {
      const raw = tensor.rawData;
      if (!raw || raw.length < MIN_EXTERNAL_BYTES) continue;
      const padding = (ALIGNMENT - (offset % ALIGNMENT)) % ALIGNMENT;
      if (padding > 0) writeSync(fd, new Uint8Array(padding));
      offset += padding;
      writeSync(fd, raw);
      tensor.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      tensor.dataLocation = proto.TensorProto.DataLocation.EXTERNAL;
      tensor.rawData = new Uint8Array(0);
      offset += raw.length;
    }
  } finally {
    closeSync(fd);
  }
  return offset;
}
