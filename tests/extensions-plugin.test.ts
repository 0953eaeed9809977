/**
 * The extension contract through a real plugin (tests/fixtures/example-plugin) loaded by name at start:
 * auth strategies, entitlements, the event bus (audit and inference.completed, never payloads), listener
 * isolation, and clear start-up errors for a missing or failing plugin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../packages/core/src/config.js';
import { startServer, type RunningServer } from '../packages/core/src/server.js';
import { withApiKeys } from '../packages/core/src/auth/with-api-keys.js';
import { runCli } from './helpers/cli-process.js';
import { copyDemoModels, postJson } from './helpers/test-server.js';
import { EXAMPLE_TOKEN } from './fixtures/example-plugin/index.js';
import { until } from './helpers/until.js';

const PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'example-plugin', 'index.ts');
const THROWING_PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'throwing-plugin.ts');
const SECRET_TEXT = 'PRIVATE-PAYLOAD-7f3a21 my bank password is hunter2';

describe('the example plugin, loaded through the plugins option', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-ext-'));
  const logs: Record<string, any>[] = [];
  let server: RunningServer;
  let url: string;
  let admin: { token: string; id: string };
  let adminHeaders: Record<string, string>;

  beforeAll(async () => {
    const created = withApiKeys(data, (keys) => keys.create({ name: 'ext-admin', scopes: ['admin'] }));
    admin = { token: created.token, id: created.key.id };
    adminHeaders = { authorization: `Bearer ${admin.token}` };
    const logStream = new Writable({
      write(chunk, _e, done) {
        for (const l of String(chunk).split('\n')) if (l.trim()) logs.push(JSON.parse(l));
        done();
      },
    });
    server = await startServer({ ...defaultConfig(), models: models.dir, data, port: 0, workers: 1, plugins: [PLUGIN] }, { logStream });
    url = server.address;
    await server.app.sluice.initialLoad;
  });
  afterAll(async () => {
    await server?.stop();
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  const events = async () =>
    (await fetch(`${url}/example/events`, { headers: adminHeaders }).then((r) => r.json())) as { audit: any[]; inference: any[] };

  it('loads the plugin and protects its routes with the rules they declare', async () => {
    expect(logs.some((l) => l.msg === 'plugin loaded' && l.plugin === PLUGIN)).toBe(true);
    expect((await fetch(`${url}/example/events`)).status).toBe(401);
    expect((await fetch(`${url}/example/events`, { headers: { authorization: `Bearer ${EXAMPLE_TOKEN}` } })).status).toBe(403);
    expect((await fetch(`${url}/example/events`, { headers: adminHeaders })).status).toBe(200);
  });

  it('lets the plugin authenticate its own principals, after the built-in API keys', async () => {
    const body = { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['good'] }] };
    expect((await postJson(`${url}/v2/models/sentiment/infer`, body, { authorization: `Bearer ${EXAMPLE_TOKEN}` })).status).toBe(200);
    const rejected = await postJson(`${url}/v2/models/sentiment/infer`, body, { authorization: 'Bearer example-wrong' });
    expect(rejected.status).toBe(401);
    expect(rejected.json).toMatchObject({ code: 'SLUICE_ERR_UNAUTHENTICATED', error: 'unknown example token' });
    // Its principal has only `infer`.
    expect((await fetch(`${url}/admin/keys`, { headers: { authorization: `Bearer ${EXAMPLE_TOKEN}` } })).status).toBe(403);
  });

  it('reports inference outcomes with the caller and never the payload', async () => {
    const response = await postJson(
      `${url}/v2/models/sentiment/infer`,
      { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [SECRET_TEXT] }] },
      adminHeaders,
    );
    expect(response.status).toBe(200);
    const failed = await postJson(
      `${url}/v2/models/sentiment/versions/99/infer`,
      { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [SECRET_TEXT] }] },
      adminHeaders,
    );
    expect(failed.status).toBe(404);
    const seen = await until(async () => {
      const current = await events();
      return current.inference.some((e) => e.status === 'failure' && e.keyId === admin.id) ? current : undefined;
    });
    const success = seen.inference.find((e) => e.keyId === admin.id && e.status === 'success');
    expect(success).toMatchObject({
      keyId: admin.id,
      principalKind: 'api-key',
      model: 'sentiment',
      version: '1',
      items: 1,
      status: 'success',
    });
    expect(typeof success.queueMs).toBe('number');
    expect(typeof success.computeMs).toBe('number');
    expect(success.requestId).toMatch(/./);
    expect(seen.inference.find((e) => e.status === 'failure')).toMatchObject({
      errorCode: 'SLUICE_ERR_VERSION_NOT_FOUND',
      keyId: admin.id,
    });
    // The example strategy's principal is reported by subject.
    expect(seen.inference.some((e) => e.subject === 'robot@example.test' && e.keyId === undefined)).toBe(true);
    const everything = JSON.stringify(seen);
    expect(everything).not.toContain('PRIVATE-PAYLOAD');
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain(admin.token);
    expect(everything).not.toContain('positive'); // nor the outputs
  });

  it('sends audit events for model changes, key changes and auth failures', async () => {
    expect((await fetch(`${url}/v2/repository/models/sentiment/load`, { method: 'POST', headers: adminHeaders })).status).toBe(200);
    const created = await postJson(`${url}/admin/keys`, { name: 'short-lived', scopes: ['infer'] }, adminHeaders);
    expect(created.status).toBe(201);
    expect((await fetch(`${url}/admin/keys/${created.json.key.id}`, { method: 'DELETE', headers: adminHeaders })).status).toBe(200);
    expect((await fetch(`${url}/v2/models/sentiment`, { headers: { authorization: 'Bearer sk_sluice_nope' } })).status).toBe(401);
    expect(
      (
        await fetch(`${url}/v2/repository/models/sentiment/unload`, {
          method: 'POST',
          headers: { authorization: `Bearer ${created.json.token}` },
        })
      ).status,
    ).toBe(401);
    const seen = await until(async () => {
      const current = await events();
      return current.audit.filter((e) => e.action === 'auth.failure').length >= 2 ? current : undefined;
    });
    const byAction = (action: string) => seen.audit.filter((e) => e.action === action);
    expect(byAction('model.load').at(-1)).toMatchObject({
      outcome: 'success',
      actor: { kind: 'api-key', id: admin.id },
      resource: { type: 'model', id: 'sentiment' },
      ip: '127.0.0.1',
    });
    expect(byAction('key.create').at(-1)).toMatchObject({ outcome: 'success', resource: { type: 'api-key', id: created.json.key.id } });
    expect(byAction('key.revoke').at(-1)).toMatchObject({ outcome: 'success', resource: { type: 'api-key', id: created.json.key.id } });
    const failures = byAction('auth.failure');
    expect(failures.map((e) => e.reason)).toEqual(expect.arrayContaining(['the API key is malformed', 'the API key has been revoked']));
    expect(failures.find((e) => e.reason === 'the API key has been revoked')).toMatchObject({
      outcome: 'failure',
      actor: { kind: 'api-key', id: created.json.key.id },
    });
    for (const event of seen.audit) {
      expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(event.requestId).toMatch(/./);
    }
    expect(JSON.stringify(seen.audit)).not.toContain(created.json.token);
  });

  it('answers routes that need an entitlement only when a provider grants it', async () => {
    const refused = await fetch(`${url}/example/premium`, { headers: adminHeaders });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'SLUICE_ERR_NOT_ENTITLED' });
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('community');
    server.app.sluice.extensions.entitlements.provide({ plan: 'test-plan', has: (feature) => feature === 'example-premium' });
    expect((await fetch(`${url}/example/premium`, { headers: adminHeaders })).status).toBe(200);
  });

  it('keeps failing and slow listeners away from the request', async () => {
    const { events: bus } = server.app.sluice.extensions;
    let slowStarted = false;
    const offThrow = bus.on('inference.completed', () => {
      throw new Error('listener bug');
    });
    const offReject = bus.on('inference.completed', async () => {
      throw new Error('async listener bug');
    });
    const offSlow = bus.on('inference.completed', async () => {
      slowStarted = true;
      await new Promise((resolve) => setTimeout(resolve, 5000));
    });
    const offMutate = bus.on('inference.completed', (event) => {
      (event as any).model = 'tampered'; // frozen: throws in strict mode, and other listeners keep the original
    });
    try {
      const started = performance.now();
      const response = await postJson(
        `${url}/v2/models/sentiment/infer`,
        { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['fine'] }] },
        adminHeaders,
      );
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(2000);
      await until(() =>
        logs.filter((l) => l.msg === 'an event listener failed (the request was not affected)').length >= 3 ? true : undefined,
      );
      expect(slowStarted).toBe(true);
      const seen = await events();
      expect(seen.inference.every((e) => e.model === 'sentiment')).toBe(true);
    } finally {
      offThrow();
      offReject();
      offSlow();
      offMutate();
    }
  });
});

describe('plugin loading errors stop `sluice serve` with a clear message', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-ext-cli-'));
  afterAll(() => {
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it('loads a plugin named in SLUICE_PLUGINS', async () => {
    const cli = runCli(['serve', '--port', '0', '--models', models.dir, '--data', data, '--workers', '1'], {
      env: { SLUICE_PLUGINS: PLUGIN },
    });
    try {
      await cli.waitFor((line) => line.msg === 'plugin loaded' && line.plugin === PLUGIN);
      await cli.waitFor((line) => line.msg === 'sluice listening');
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  for (const [what, plugin, message] of [
    ['missing', '/nonexistent/sluice-plugin.js', /invalid configuration "plugins": cannot load plugin "\/nonexistent\/sluice-plugin.js"/],
    ['throwing', THROWING_PLUGIN, /invalid configuration "plugins": plugin ".*throwing-plugin.ts" failed to start: the example failure/],
  ] as const) {
    it(`a ${what} plugin`, async () => {
      const cli = runCli(['serve', '--port', '0', '--models', models.dir, '--data', data, '--workers', '1'], {
        env: { SLUICE_PLUGINS: plugin },
      });
      const exit = await cli.exited;
      expect(exit.code).toBe(2);
      expect(cli.stderr.join('')).toMatch(message);
    });
  }
});
