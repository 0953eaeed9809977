/**
 * Privacy is the promise: the server opens no non-loopback network connection during start-up, model loading
 * and inference. The real CLI runs under strace, which records every connect/sendto/sendmsg/bind of every
 * thread (ONNX Runtime's native code included); any address outside 127.0.0.0/8 and ::1 fails the test.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBinaryRequest } from './helpers/binary-protocol.js';
import { runCli } from './helpers/cli-process.js';
import { nonLoopbackCalls, parseSocketCalls, straceAvailable, tracedCliCommand } from './helpers/network-trace.js';
import { DEMO_MODELS, postJson } from './helpers/test-server.js';
import { renderText } from './helpers/text-image.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-privacy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('privacy: no connection leaves the machine', () => {
  it('the trace parser flags non-loopback addresses and passes loopback ones', () => {
    const trace = [
      '1234  connect(21, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("140.82.112.3")}, 16) = -1 ENETUNREACH',
      '1234  connect(22, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '1234  connect(23, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
      '1234  connect(24, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT',
      '1234  sendto(25, "\\1\\2", 2, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.2")}, 16) = 2',
      '1234  bind(26, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
    ].join('\n');
    const flagged = nonLoopbackCalls(parseSocketCalls(trace)).map((c) => c.address);
    expect(flagged).toEqual(['140.82.112.3', '2001:4860::8888', '10.0.0.2', '0.0.0.0']);
  });

  it('start-up, loading every demo model and inference on each make only loopback socket calls', async () => {
    expect(straceAvailable(), 'strace is required for this test (.ci/run installs it with apt-get)').toBe(true);
    const traceFile = path.join(scratch, 'trace.txt');
    // A fresh HOME: whatever the server (or a library in it) stores for later upload would land there.
    const home = path.join(scratch, 'home');
    mkdirSync(home);
    const server = runCli(['serve', '--port', '0', '--models', DEMO_MODELS, '--data', path.join(scratch, 'data')], {
      command: tracedCliCommand(traceFile),
      env: { HOME: home, XDG_CACHE_HOME: '' },
    });
    const listening = await server.waitFor((line) => line.msg === 'sluice listening');
    await server.waitFor((line) => line.msg === 'start-up model loading finished');
    const url = String(listening.address);
    // The first start printed an admin key on stderr: use it, as a user would.
    const token = /sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(server.stderr.join(''))?.[0];
    expect(token, 'the first start prints an admin key').toBeDefined();
    const auth = { authorization: `Bearer ${token}` };

    // Inference on every demo model.
    const sentiment = await postJson(
      `${url}/v2/models/sentiment/infer`,
      { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this'] }] },
      auth,
    );
    const image = renderText('PRIVATE', 48, 192, { scale: 3 });
    const direction = encodeBinaryRequest({ inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', values: [...image.chw] }] });
    const ocr = await fetch(`${url}/v2/models/ocr-direction/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(direction.headerLength), 'content-type': 'application/octet-stream', ...auth },
      body: direction.body,
    });
    const page = renderText('PRIVATE', 64, 192, { scale: 4 }); // the detector wants sides divisible by 32
    const detector = encodeBinaryRequest({ inputs: [{ name: 'x', shape: [1, 3, 64, 192], datatype: 'FP32', values: [...page.chw] }] });
    const det = await fetch(`${url}/v2/models/ocr-detector/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(detector.headerLength), 'content-type': 'application/octet-stream', ...auth },
      body: detector.body,
    });
    const vad = await postJson(
      `${url}/v2/models/silero-vad/infer`,
      {
        inputs: [
          { name: 'input', shape: [1, 512], datatype: 'FP32', data: new Array(512).fill(0) },
          { name: 'state', shape: [2, 1, 128], datatype: 'FP32', data: new Array(256).fill(0) },
          { name: 'sr', shape: [], datatype: 'INT64', data: [16000] },
        ],
      },
      auth,
    );
    const statuses = [sentiment.status, ocr.status, det.status, vad.status];

    process.kill(Number(listening.pid), 'SIGTERM');
    await server.exited;
    const calls = parseSocketCalls(readFileSync(traceFile, 'utf8'));
    // The trace really recorded the server's sockets: its own listening socket was bound on loopback.
    expect(calls.some((c) => c.call === 'bind' && c.address === '127.0.0.1')).toBe(true);
    expect(nonLoopbackCalls(calls).map((c) => c.line)).toEqual([]);
    // ONNX Runtime's built-in telemetry (a device id and an event database queued for upload to Microsoft)
    // must stay off: nothing may be written under HOME.
    expect(readdirSync(home, { recursive: true })).toEqual([]);
    // Status last, so a failed inference cannot hide a leak in the report; but every inference must have run.
    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});
