/**
 * The curl commands the console shows are real: each one, run by bash with $SLUICE_API_KEY set, gets the same
 * answer from a real server as the console's own request. Also checks the console's binary tensor encoding
 * (request and response) against the JSON path of the same server.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlCommand, shellQuote, type CurlRequest } from '../packages/core/console/src/curl.js';
import {
  binaryRequestBody,
  binaryRequestHeaders,
  HEADER_LENGTH,
  parseInferResponse,
} from '../packages/core/console/src/playground/binary-tensors.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

let server: TestServer;
let token: string;
let workDir: string;

beforeAll(async () => {
  server = await startTestServer();
  token = server.auth.authorization!.slice('Bearer '.length);
  workDir = mkdtempSync(join(tmpdir(), 'sluice-console-curl-'));
});

afterAll(async () => {
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const execFileAsync = promisify(execFile);

/**
 * Runs a console curl command in bash (in workDir), the key only in the environment; extra args appended.
 * Asynchronously: the server runs in this process and must keep answering.
 */
async function runCurl(request: CurlRequest, extraArgs = ''): Promise<Buffer> {
  const command = curlCommand(request, server.url);
  expect(command).not.toContain(token);
  expect(command).toContain('$SLUICE_API_KEY');
  const { stdout } = await execFileAsync('bash', ['-c', `${command} ${extraArgs}`], {
    cwd: workDir,
    env: { PATH: process.env.PATH, SLUICE_API_KEY: token },
    timeout: 30_000,
    encoding: 'buffer',
  });
  return stdout;
}

/** Deterministic pseudo-random floats in [-1, 1): a picture-like input without a picture. */
function floats(count: number, seed = 7): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = (state / 2147483648) * 2 - 1;
  }
  return out;
}

describe('console curl commands', () => {
  it('quotes for a POSIX shell, single quotes included', () => {
    const tricky = `it's "quoted" $HOME \`date\` \\ end`;
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote(tricky)}`]).toString()).toBe(tricky);
  });

  it('a JSON inference request gets the same answer as the console request would', async () => {
    const body = { inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ["it's great, I love it"] }] };
    const request: CurlRequest = { method: 'POST', path: '/v2/models/sentiment/infer', json: body };
    const viaCurl = JSON.parse((await runCurl(request)).toString());
    const direct: any = await (
      await fetch(server.url + request.path, {
        method: 'POST',
        headers: { ...server.auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
    expect(viaCurl.outputs.find((o: any) => o.name === 'label').data).toEqual(['positive']);
    expect(viaCurl.outputs).toEqual(direct.outputs);
  });

  it('a GET without a body (model metadata) works too', async () => {
    const meta = JSON.parse((await runCurl({ method: 'GET', path: '/v2/models/ocr-detector' })).toString());
    expect(meta.name).toBe('ocr-detector');
    expect(meta.inputs[0].shape.slice(0, 2)).toEqual([-1, 3]);
  });

  it('a binary FP32 request (the picture path) through curl equals the JSON request of the same tensor', async () => {
    const shape = [1, 3, 48, 192];
    const data = floats(3 * 48 * 192);
    const output = 'softmax_0.tmp_0';
    const { body, headerLength } = binaryRequestBody([{ name: 'x', shape, data }], [output]);
    writeFileSync(join(workDir, 'request.bin'), body);
    const request: CurlRequest = {
      method: 'POST',
      path: '/v2/models/ocr-direction/infer',
      headers: binaryRequestHeaders(headerLength),
      bodyFile: 'request.bin',
    };
    const responseBytes = await runCurl(request, `-D headers.txt -o response.bin`);
    expect(responseBytes.byteLength).toBe(0);
    const headers = readFileSync(join(workDir, 'headers.txt'), 'utf8');
    const length = new RegExp(`^${HEADER_LENGTH}:\\s*(\\d+)`, 'im').exec(headers)?.[1] ?? null;
    expect(length).not.toBeNull();
    const binary = parseInferResponse(new Uint8Array(readFileSync(join(workDir, 'response.bin'))), length);

    const jsonBody = { inputs: [{ name: 'x', datatype: 'FP32', shape, data: Array.from(data) }] };
    const viaJson: any = await (
      await fetch(server.url + request.path, {
        method: 'POST',
        headers: { ...server.auth, 'content-type': 'application/json' },
        body: JSON.stringify(jsonBody),
      })
    ).json();
    const expected = viaJson.outputs.find((o: any) => o.name === output);
    const actual = binary.outputs.find((o) => o.name === output)!;
    expect(actual.shape).toEqual([1, 2]);
    expect(actual.datatype).toBe('FP32');
    const values = Array.from(actual.data as ArrayLike<number>);
    expect(values[0]! + values[1]!).toBeCloseTo(1, 5);
    values.forEach((v, i) => expect(v).toBeCloseTo(expected.data[i], 6));
  });

  it('parses a JSON response and refuses a header length past the body', () => {
    const json = new TextEncoder().encode(
      JSON.stringify({ model_name: 'm', model_version: '1', outputs: [{ name: 'y', datatype: 'INT64', shape: [1], data: [3] }] }),
    );
    expect(parseInferResponse(json, null).outputs[0]!.data).toEqual([3]);
    expect(() => parseInferResponse(json, String(json.byteLength + 1))).toThrow(HEADER_LENGTH);
  });
});
