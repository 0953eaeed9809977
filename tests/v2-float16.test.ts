/**
 * FP16 conversion rounds to the nearest half, ties to even, straight from the JSON number: checked against
 * exact bit patterns, and against ONNX Runtime's own Cast (float32 -> float16) run in a real server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataTypeOf, makeModel, makeNode, makeTensorValueInfo, serialize } from '../demo/onnx-builder.js';
import { numberToFloat16Bits } from '../packages/core/src/models/tensors/float16.js';
import { identityModel, writeModel } from './helpers/identity-models.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/** [value, expected half bits]: each row is a case the old round-half-up (or double rounding) got wrong or a boundary. */
const EXACT: [number, number][] = [
  [1, 0x3c00],
  [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 and 0x3c01: to the even one
  [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02: to the even one
  [1 + 2 ** -11 + 2 ** -40, 0x3c01], // just above the tie: via float32 it would become the tie, then 0x3c00
  [2049, 0x6800], // tie between 2048 and 2050
  [2051, 0x6802], // tie between 2050 and 2052
  [-2049, 0xe800],
  [65504, 0x7bff], // largest half
  [65519.99, 0x7bff],
  [65520, 0x7c00], // the tie above the largest half rounds to even: infinity
  [-65520, 0xfc00],
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal
  [3 * 2 ** -25, 0x0002], // tie between subnormals 1 and 2
  [1023.5 * 2 ** -24, 0x0400], // tie between the largest subnormal and the smallest normal
  [-0, 0x8000],
  [0, 0x0000],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
  [1e300, 0x7c00],
  [1e-300, 0x0000],
];

describe('FP16 conversion', () => {
  it('rounds to the nearest half, ties to even, with exact bit patterns', () => {
    for (const [value, bits] of EXACT) expect([value, numberToFloat16Bits(value).toString(16)]).toEqual([value, bits.toString(16)]);
    expect(numberToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(numberToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
  });

  describe('against ONNX Runtime', () => {
    let server: TestServer;
    let repository: string;
    beforeAll(async () => {
      repository = mkdtempSync(path.join(tmpdir(), 'sluice-fp16-'));
      writeModel(
        repository,
        'cast_fp16',
        1,
        serialize(
          makeModel({
            name: 'cast_fp16',
            nodes: [makeNode('Cast', ['x'], ['y'], { to: dataTypeOf('float16') })],
            inputs: [makeTensorValueInfo('x', 'float32', ['n'])],
            outputs: [makeTensorValueInfo('y', 'float16', ['n'])],
          }),
        ),
      );
      writeModel(repository, 'identity_fp16', 1, identityModel('float16', ['n']));
      server = await startTestServer({ models: repository });
    });
    afterAll(async () => {
      await server?.close();
      rmSync(repository, { recursive: true, force: true });
    });

    async function halfBitsFrom(model: string, datatype: 'FP32' | 'FP16', values: number[]): Promise<number[]> {
      const header = Buffer.from(
        JSON.stringify({
          inputs: [{ name: 'x', shape: [values.length], datatype, data: values }],
          outputs: [{ name: 'y', parameters: { binary_data: true } }],
        }),
      );
      const response = await fetch(`${server.url}/v2/models/${model}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...server.auth },
        body: header,
      });
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      const start = Number(response.headers.get('inference-header-content-length'));
      return Array.from({ length: values.length }, (_, i) => body.readUInt16LE(start + 2 * i));
    }

    it('matches ORT Cast bit for bit on ties, boundaries and 4,000 seeded float32 values', async () => {
      const ties = EXACT.map(([value]) => value).filter((v) => Number.isFinite(v) && Math.fround(v) === v);
      // Every half tie in the normal range is a float32: midpoints of consecutive halves for many exponents.
      for (let bits = 0x0001; bits < 0x7bff; bits += 97) ties.push((halfToNumber(bits) + halfToNumber(bits + 1)) / 2);
      const random = fc.sample(fc.float({ min: -70000, max: 70000, noNaN: true }), { numRuns: 4000, seed: 1611 });
      const values = [...ties, ...random];
      const fromOrt = await halfBitsFrom('cast_fp16', 'FP32', values);
      const fromSluice = await halfBitsFrom('identity_fp16', 'FP16', values);
      const mismatches = values.map((v, i) => ({ v, ort: fromOrt[i], sluice: fromSluice[i] })).filter((m) => m.ort !== m.sluice);
      expect(mismatches.slice(0, 5)).toEqual([]);
    });
  });
});

function halfToNumber(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  return exponent === 0 ? 2 ** -24 * fraction : 2 ** (exponent - 15) * (1 + fraction / 1024);
}
