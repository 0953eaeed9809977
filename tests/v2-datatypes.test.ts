/**
 * Every Open Inference Protocol datatype through a real ONNX Identity model: JSON (flat and nested), the
 * binary tensor data extension in both directions, and output selection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIdentityRepository } from './helpers/identity-models.js';
import { postJson, startTestServer, type TestServer } from './helpers/test-server.js';
import { decodeBinaryResponse, encodeBinaryRequest } from './helpers/binary-protocol.js';

const JSON_SAMPLES: Record<string, unknown[]> = {
  BOOL: [true, false, true, true, false, false],
  UINT8: [0, 1, 2, 127, 200, 255],
  UINT16: [0, 1, 2, 300, 40000, 65535],
  UINT32: [0, 1, 2, 70000, 3000000000, 4294967295],
  UINT64: [0, 1, 2, 3, 2 ** 40, Number.MAX_SAFE_INTEGER],
  INT8: [-128, -1, 0, 1, 64, 127],
  INT16: [-32768, -1, 0, 1, 1000, 32767],
  INT32: [-2147483648, -1, 0, 1, 123456, 2147483647],
  INT64: [-(2 ** 40), -1, 0, 1, 2 ** 40, Number.MAX_SAFE_INTEGER],
  FP16: [0, 1, -2, 0.5, 1024, -0.25],
  FP32: [0, 1.5, -2.25, 3.125, 1e10, -1e-3],
  FP64: [0, Math.PI, -Math.E, 1e300, -1e-300, 42],
  BYTES: ['a', 'héllo', '', 'ünïcødé ✓', 'tab\tand\nnewline', 'x'.repeat(100)],
};

function close(actual: unknown[], expected: unknown[], datatype: string) {
  if (datatype === 'FP32') {
    expect(actual.map((v) => Math.fround(v as number))).toEqual(expected.map((v) => Math.fround(v as number)));
  } else {
    expect(actual).toEqual(expected);
  }
}

describe('Open Inference Protocol datatypes', () => {
  let server: TestServer;
  let repository: string;
  const auth = () => server.auth ?? {};

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-identity-'));
    writeIdentityRepository(repository);
    server = await startTestServer({ models: repository });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  for (const [datatype, values] of Object.entries(JSON_SAMPLES)) {
    it(`${datatype}: JSON in, JSON out, flat and nested data`, async () => {
      const url = `${server.url}/v2/models/identity_${datatype.toLowerCase()}/infer`;
      const nested = [values.slice(0, 3), values.slice(3)];
      for (const data of [values, nested]) {
        const { status, json, text } = await postJson(
          url,
          { id: `req-${datatype}`, inputs: [{ name: 'x', shape: [2, 3], datatype, data }] },
          auth(),
        );
        expect(status, text).toBe(200);
        expect(json.id).toBe(`req-${datatype}`);
        expect(json.model_name).toBe(`identity_${datatype.toLowerCase()}`);
        expect(json.model_version).toBe('1');
        expect(json.outputs.map((o: any) => o.name).sort()).toEqual(['y', 'y_copy']);
        const y = json.outputs.find((o: any) => o.name === 'y');
        expect(y.datatype).toBe(datatype);
        expect(y.shape).toEqual([2, 3]);
        close(y.data, values, datatype);
      }
    });

    it(`${datatype}: binary tensor data extension in and out`, async () => {
      const { body, headerLength } = encodeBinaryRequest({
        inputs: [{ name: 'x', shape: [2, 3], datatype, values }],
        outputs: [
          { name: 'y', binary: true },
          { name: 'y_copy', binary: false },
        ],
      });
      const response = await fetch(`${server.url}/v2/models/identity_${datatype.toLowerCase()}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength), ...auth() },
        body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/octet-stream');
      const decoded = decodeBinaryResponse(
        Buffer.from(await response.arrayBuffer()),
        Number(response.headers.get('inference-header-content-length')),
      );
      const y = decoded.outputs.find((o) => o.name === 'y')!;
      expect(y.parameters?.binary_data_size).toBeGreaterThanOrEqual(0);
      close(y.values, values, datatype);
      const copy = decoded.outputs.find((o) => o.name === 'y_copy')!;
      close(copy.values, values, datatype); // JSON output alongside a binary one
    });
  }

  it('parameters.binary_data_output makes every output binary', async () => {
    const values = JSON_SAMPLES.FP32!;
    const { status, headers, text } = await postJson(
      `${server.url}/v2/models/identity_fp32/infer`,
      {
        parameters: { binary_data_output: true },
        inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: values }],
      },
      auth(),
    );
    expect(status, text).toBe(200);
    const headerLength = Number(headers.get('inference-header-content-length'));
    const header = JSON.parse(text.slice(0, headerLength));
    expect(header.outputs.every((o: any) => o.parameters.binary_data_size === 24 && o.data === undefined)).toBe(true);
  });

  it('FP16 travels exactly as raw half-precision bits through the binary extension', async () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x3555]);
    const headerJson = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP16', parameters: { binary_data_size: 12 } }],
        outputs: [{ name: 'y', parameters: { binary_data: true } }],
      }),
    );
    const response = await fetch(`${server.url}/v2/models/identity_fp16/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerJson.byteLength), ...auth() },
      body: Buffer.concat([headerJson, Buffer.from(bits.buffer)]),
    });
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    const headerLength = Number(response.headers.get('inference-header-content-length'));
    const returned = new Uint16Array(
      body.subarray(headerLength).buffer.slice(body.byteOffset + headerLength, body.byteOffset + body.byteLength),
    );
    expect([...returned]).toEqual([...bits]);
  });

  it('returns only the requested outputs', async () => {
    const { status, json } = await postJson(
      `${server.url}/v2/models/identity_int32/infer`,
      {
        inputs: [{ name: 'x', shape: [1, 2], datatype: 'INT32', data: [7, 8] }],
        outputs: [{ name: 'y_copy' }],
      },
      auth(),
    );
    expect(status).toBe(200);
    expect(json.outputs).toEqual([{ name: 'y_copy', datatype: 'INT32', shape: [1, 2], data: [7, 8] }]);
  });

  it('addresses a version explicitly', async () => {
    const { status, json } = await postJson(
      `${server.url}/v2/models/identity_int8/versions/1/infer`,
      {
        inputs: [{ name: 'x', shape: [1, 1], datatype: 'INT8', data: [5] }],
      },
      auth(),
    );
    expect(status).toBe(200);
    expect(json.model_version).toBe('1');
  });
});
