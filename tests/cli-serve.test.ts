/**
 * The `sluice serve` command as a user runs it: configuration precedence and fail-fast errors, and a graceful
 * shutdown on SIGTERM that lets the request in flight finish before exiting 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBinaryRequest } from './helpers/binary-protocol.js';
import { runCli, serveCli } from './helpers/cli-process.js';
import { DEMO_MODELS } from './helpers/test-server.js';
import { renderText } from './helpers/text-image.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sluice serve', () => {
  it('finishes the request in flight on SIGTERM, refuses new work, then exits 0', async () => {
    const server = await serveCli(['--models', DEMO_MODELS, '--data', path.join(scratch, 'data'), '--workers', '1']);
    const size = 1280;
    const image = renderText('GRACEFUL', size, size, { scale: 20 });
    const { body, headerLength } = encodeBinaryRequest({
      inputs: [{ name: 'x', shape: [1, 3, size, size], datatype: 'FP32', values: [...image.chw] }],
    });
    const inFlight = fetch(`${server.url}/v2/models/ocr-detector/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(headerLength), ...server.auth },
      body,
    });
    // Wait until the server has the request, then ask it to stop.
    await server.waitFor((line) => line.msg === 'incoming request' && line.req?.url === '/v2/models/ocr-detector/infer');
    server.child.kill('SIGTERM');
    await server.waitFor((line) => line.msg === 'signal received');
    const response = await inFlight;
    expect(response.status).toBe(200);
    const result = Buffer.from(await response.arrayBuffer());
    expect(result.byteLength).toBeGreaterThan(size * size); // the whole probability map came back
    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.lines.some((line) => line.msg === 'shutdown complete')).toBe(true);
    await expect(fetch(`${server.url}/v2/health/live`)).rejects.toThrow();
  });

  it('flags win over environment variables, which win over the config file', async () => {
    const configFile = path.join(scratch, 'sluice.json');
    writeFileSync(configFile, JSON.stringify({ models: DEMO_MODELS, logLevel: 'debug', workers: 2, pollIntervalMs: 1234 }));
    const server = await serveCli(['--config', configFile, '--workers', '1', '--data', path.join(scratch, 'data2')], {
      env: { SLUICE_LOG_LEVEL: 'info', SLUICE_WORKERS: '2' },
    });
    const listening = server.lines.find((line) => line.msg === 'sluice listening')!;
    expect(listening.workers).toBe(1); // flag beats env and file
    expect(server.lines.some((line) => line.level === 20)).toBe(false); // env "info" beats file "debug"
    expect(listening.models).toBe(DEMO_MODELS); // from the file
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  for (const [what, args, env, message] of [
    ['a non-numeric port flag', ['--port', 'eighty'], {}, /invalid configuration "port \(--port\)": must be an integer/],
    ['an out-of-range env port', [], { SLUICE_PORT: '70000' }, /"port \(SLUICE_PORT\)": must be at most 65535/],
    [
      'an unknown model-control mode',
      ['--model-control', 'magic'],
      {},
      /"modelControl \(--model-control\)": must be one of explicit, poll/,
    ],
    ['an unknown key in the config file', ['--config', 'CONFIG_WITH_TYPO'], {}, /invalid configuration "prot": unknown key/],
    [
      'a missing model repository',
      ['--models', '/nonexistent/models'],
      {},
      /invalid configuration "models": the model repository \/nonexistent\/models is not a directory/,
    ],
    ['an unknown flag', ['--nope', '1'], {}, /Unknown option '--nope'/],
    [
      'a headers timeout longer than the receive timeout',
      ['--headers-timeout-ms', '5000', '--receive-timeout-ms', '1000'],
      {},
      /"headersTimeoutMs": must not exceed receiveTimeoutMs \(1000\), got 5000/,
    ],
    [
      'a negative connection cap',
      [],
      { SLUICE_MAX_CONNECTIONS_PER_CLIENT: '-1' },
      /"maxConnectionsPerClient \(SLUICE_MAX_CONNECTIONS_PER_CLIENT\)": must be at least 0/,
    ],
  ] as const) {
    it(`fails fast on ${what}, naming the key`, async () => {
      const typoFile = path.join(scratch, 'typo.json');
      writeFileSync(typoFile, JSON.stringify({ prot: 8080 }));
      const cli = runCli(['serve', '--models', DEMO_MODELS, ...args.map((a) => (a === 'CONFIG_WITH_TYPO' ? typoFile : a))], {
        env: { ...env },
      });
      const exit = await cli.exited;
      expect(exit.code).toBe(2);
      expect(cli.stderr.join('')).toMatch(message);
    });
  }
});
