/**
 * A small, independent client-side implementation of the binary tensor data extension, written from the
 * protocol text (not from the server's code) so the tests check the server against the spec.
 */
const BYTE_SIZES: Record<string, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function numberToHalf(value: number): number {
  // Exact for the test's values (small integers, halves and quarters).
  if (value === 0) return Object.is(value, -0) ? 0x8000 : 0;
  const sign = value < 0 ? 0x8000 : 0;
  const abs = Math.abs(value);
  const exp = Math.floor(Math.log2(abs));
  const frac = Math.round((abs / 2 ** exp - 1) * 1024);
  return sign | ((exp + 15) << 10) | frac;
}

export function encodeValues(datatype: string, values: unknown[]): Buffer {
  if (datatype === 'BYTES') {
    return Buffer.concat(
      (values as string[]).flatMap((s) => {
        const bytes = Buffer.from(s, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32LE(bytes.byteLength);
        return [length, bytes];
      }),
    );
  }
  const size = BYTE_SIZES[datatype]!;
  const out = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    const o = i * size;
    switch (datatype) {
      case 'BOOL':
        out.writeUInt8(v ? 1 : 0, o);
        break;
      case 'UINT8':
        out.writeUInt8(v as number, o);
        break;
      case 'INT8':
        out.writeInt8(v as number, o);
        break;
      case 'UINT16':
        out.writeUInt16LE(v as number, o);
        break;
      case 'INT16':
        out.writeInt16LE(v as number, o);
        break;
      case 'FP16':
        out.writeUInt16LE(numberToHalf(v as number), o);
        break;
      case 'UINT32':
        out.writeUInt32LE(v as number, o);
        break;
      case 'INT32':
        out.writeInt32LE(v as number, o);
        break;
      case 'FP32':
        out.writeFloatLE(v as number, o);
        break;
      case 'UINT64':
        out.writeBigUInt64LE(BigInt(v as number), o);
        break;
      case 'INT64':
        out.writeBigInt64LE(BigInt(v as number), o);
        break;
      case 'FP64':
        out.writeDoubleLE(v as number, o);
        break;
    }
  });
  return out;
}

export function decodeValues(datatype: string, bytes: Buffer): unknown[] {
  if (datatype === 'BYTES') {
    const out: string[] = [];
    for (let o = 0; o < bytes.byteLength;) {
      const length = bytes.readUInt32LE(o);
      out.push(bytes.subarray(o + 4, o + 4 + length).toString('utf8'));
      o += 4 + length;
    }
    return out;
  }
  const size = BYTE_SIZES[datatype]!;
  const out: unknown[] = [];
  for (let o = 0; o < bytes.byteLength; o += size) {
    switch (datatype) {
      case 'BOOL':
        out.push(bytes.readUInt8(o) !== 0);
        break;
      case 'UINT8':
        out.push(bytes.readUInt8(o));
        break;
      case 'INT8':
        out.push(bytes.readInt8(o));
        break;
      case 'UINT16':
        out.push(bytes.readUInt16LE(o));
        break;
      case 'INT16':
        out.push(bytes.readInt16LE(o));
        break;
      case 'FP16':
        out.push(halfToNumber(bytes.readUInt16LE(o)));
        break;
      case 'UINT32':
        out.push(bytes.readUInt32LE(o));
        break;
      case 'INT32':
        out.push(bytes.readInt32LE(o));
        break;
      case 'FP32':
        out.push(bytes.readFloatLE(o));
        break;
      case 'UINT64':
        out.push(Number(bytes.readBigUInt64LE(o)));
        break;
      case 'INT64':
        out.push(Number(bytes.readBigInt64LE(o)));
        break;
      case 'FP64':
        out.push(bytes.readDoubleLE(o));
        break;
    }
  }
  return out;
}

export function encodeBinaryRequest(request: {
  inputs: { name: string; shape: number[]; datatype: string; values: unknown[] }[];
  outputs?: { name: string; binary: boolean }[];
}) {
  const chunks = request.inputs.map((input) => encodeValues(input.datatype, input.values));
  const header = Buffer.from(
    JSON.stringify({
      inputs: request.inputs.map((input, i) => ({
        name: input.name,
        shape: input.shape,
        datatype: input.datatype,
        parameters: { binary_data_size: chunks[i]!.byteLength },
      })),
      ...(request.outputs ? { outputs: request.outputs.map((o) => ({ name: o.name, parameters: { binary_data: o.binary } })) } : {}),
    }),
  );
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.byteLength };
}

export interface DecodedOutput {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: { binary_data_size?: number };
  values: unknown[];
}

export function decodeBinaryResponse(
  body: Buffer,
  headerLength: number,
): { model_name: string; model_version: string; outputs: DecodedOutput[] } {
  const header = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  let offset = headerLength;
  const outputs = header.outputs.map((o: any) => {
    if (o.parameters?.binary_data_size === undefined) return { ...o, values: o.data };
    const bytes = body.subarray(offset, offset + o.parameters.binary_data_size);
    offset += o.parameters.binary_data_size;
    return { ...o, values: decodeValues(o.datatype, bytes) };
  });
  return { ...header, outputs };
}
