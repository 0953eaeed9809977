/**
 * `sluice models list|load|unload` against a running server, authenticated with an API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';
import { publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

async function sluice(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = runCli(args, { env });
  let stdout = '';
  cli.child.stdout!.removeAllListeners('data');
  cli.child.stdout!.on('data', (chunk) => (stdout += String(chunk)));
  const { code } = await cli.exited;
  return { code, stdout, stderr: cli.stderr.join('') };
}

describe('sluice models', () => {
  let server: TestServer;
  let repository: ReturnType<typeof sentimentRepository>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    server = await startTestServer({ models: repository.dir });
    env = { SLUICE_URL: server.url, SLUICE_API_KEY: server.auth.authorization!.replace('Bearer ', '') };
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it('lists models and versions with their state', async () => {
    const table = await sluice(['models', 'list'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/MODEL\s+VERSION\s+STATE/);
    expect(table.stdout).toMatch(/sentiment\s+1\s+READY/);
    const json = await sluice(['models', 'list', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual([{ name: 'sentiment', version: '1', state: 'READY', reason: '' }]);
  });

  it('loads a new version and unloads the model', async () => {
    publishVersion(repository.modelDir, 2);
    expect(await sluice(['models', 'load', 'sentiment'], env)).toMatchObject({ code: 0, stdout: 'loaded sentiment\n' });
    expect((await sluice(['models', 'list', '--ready', '--json'], env)).stdout).toContain('"version":"2"');
    expect((await sluice(['models', 'unload', 'sentiment'], env)).code).toBe(0);
    const after = JSON.parse((await sluice(['models', 'list', '--json'], env)).stdout);
    expect(after.every((e: any) => e.state !== 'READY')).toBe(true);
    expect((await sluice(['models', 'load', 'sentiment'], env)).code).toBe(0);
  });

  it("reports the server's refusal with its code and exits 1", async () => {
    const unknown = await sluice(['models', 'load', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404 SLUICE_ERR_MODEL_NOT_FOUND/);
    const noKey = await sluice(['models', 'list'], { SLUICE_URL: server.url, SLUICE_API_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/401 .*SLUICE_API_KEY/);
    const down = await sluice(['models', 'list', '--url', 'http://127.0.0.1:9'], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the server/);
  });
});
