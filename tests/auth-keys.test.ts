/**
 * API keys end to end: token format and storage (prefix + SHA-256 only), admin routes, revoked and expired keys
 * refused, the `sluice keys` CLI against the data directory of a running server, and the first start.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashSecret, parseToken, secretMatches } from '../packages/core/src/auth/api-key-token.js';
import { runCli, serveCli } from './helpers/cli-process.js';
import { copyDemoModels, getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const TOKEN = /^sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const run = runCli(args, { env });
  const exit = await run.exited;
  return { code: exit.code, stdout: run.lines, stderr: run.stderr.join('') };
}

describe('API keys over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: copyDemoModels(['sentiment']).dir, logLevel: 'trace' });
  });
  afterAll(async () => server?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates a key whose token is shown once and stored only as prefix + SHA-256', async () => {
    const created = await postJson(
      `${server.url}/admin/keys`,
      { name: 'reader', scopes: ['models:read'], models: ['sentiment'] },
      server.auth,
    );
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(TOKEN);
    const { id, secret } = parseToken(created.json.token)!;
    expect(created.json.key).toMatchObject({
      id,
      name: 'reader',
      scopes: ['models:read'],
      models: ['sentiment'],
      status: 'active',
      expiresAt: null,
    });
    // Listing never shows a token or hash.
    const listed = await getJson(`${server.url}/admin/keys`, server.auth);
    expect(listed.status).toBe(200);
    expect(listed.json.keys.find((k: any) => k.id === id)).toBeDefined();
    expect(listed.text).not.toContain(secret);
    expect(listed.text).not.toContain(hashSecret(secret));
    // The database file holds the hash, never the secret.
    const db = new Database(server.app.sluice.database.file, { readonly: true });
    const row = db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as Record<string, unknown>;
    db.close();
    expect(row.secret_hash).toBe(hashSecret(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    // And it works.
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers: { authorization: `Bearer ${created.json.token}` } })).status).toBe(
      200,
    );
    // Lowercase scheme and extra spaces are fine; anything else is not a bearer token.
    expect(
      (await fetch(`${server.url}/v2/models/sentiment`, { headers: { authorization: `bearer   ${created.json.token}` } })).status,
    ).toBe(200);
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers: { authorization: `Basic ${created.json.token}` } })).status).toBe(
      401,
    );
  });

  it('refuses a token with the right id but a wrong secret', async () => {
    const { token } = server.app.sluice.apiKeys.create({ name: 'victim', scopes: ['infer'] });
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const response = await getJson(`${server.url}/v2/models/sentiment`, { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ code: 'SLUICE_ERR_UNAUTHENTICATED', error: 'the API key is not valid' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sluice"');
    expect(secretMatches('x', hashSecret('x'))).toBe(true);
    expect(secretMatches('x', hashSecret('y'))).toBe(false);
    expect(secretMatches('x', 'abcd')).toBe(false); // a stored value of the wrong length is a mismatch, not a crash
  });

  it('refuses a revoked key at once', async () => {
    const created = await postJson(`${server.url}/admin/keys`, { name: 'to-revoke', scopes: ['infer'] }, server.auth);
    const headers = { authorization: `Bearer ${created.json.token}` };
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers })).status).toBe(200);
    const revoked = await fetch(`${server.url}/admin/keys/${created.json.key.id}`, { method: 'DELETE', headers: server.auth });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as any).key.status).toBe('revoked');
    const refused = await getJson(`${server.url}/v2/models/sentiment`, headers);
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('the API key has been revoked');
    expect((await fetch(`${server.url}/admin/keys/ffffffffffff`, { method: 'DELETE', headers: server.auth })).status).toBe(404);
  });

  it('refuses an expired key', async () => {
    const created = await postJson(`${server.url}/admin/keys`, { name: 'short', scopes: ['infer'], expires: '1h' }, server.auth);
    expect(created.status).toBe(201);
    const headers = { authorization: `Bearer ${created.json.token}` };
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers })).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 3_600_000 + 1000);
    const refused = await getJson(`${server.url}/v2/models/sentiment`, headers);
    expect(refused.status).toBe(401);
    expect(refused.json.error).toBe('the API key has expired');
    expect(server.app.sluice.apiKeys.get(created.json.key.id)!.status).toBe('expired');
  });

  it('validates new keys', async () => {
    for (const body of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['root'] },
      { name: 'x', scopes: ['infer'], models: ['../etc'] },
      { name: 'x', scopes: ['infer'], expires: 'tomorrow' },
      { name: '', scopes: ['infer'] },
    ]) {
      const response = await postJson(`${server.url}/admin/keys`, body, server.auth);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.json.code).toBe('SLUICE_ERR_BAD_REQUEST');
    }
  });

  it('never writes a token to the logs', () => {
    const text = JSON.stringify(server.logs);
    expect(text).not.toMatch(/sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{10}/);
  });
});

describe('sluice keys (CLI) against the data directory of a running server', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-keys-cli-'));
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir, data });
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it('creates, lists and revokes keys the server honours immediately', async () => {
    const created = await cli([
      'keys',
      'create',
      '--name',
      'ci',
      '--scopes',
      'infer,models:read',
      '--models',
      'sentiment',
      '--expires',
      '30d',
      '--json',
      '--data',
      data,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { key, token } = created.stdout[0] as { key: any; token: string };
    expect(token).toMatch(TOKEN);
    expect(key).toMatchObject({ name: 'ci', scopes: ['infer', 'models:read'], models: ['sentiment'], status: 'active' });
    expect(Date.parse(key.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers })).status).toBe(200);

    // SLUICE_DATA works as well as --data; the list shows no secret.
    const listed = await cli(['keys', 'list', '--json'], { SLUICE_DATA: data });
    expect(listed.code, listed.stderr).toBe(0);
    const keys = (listed.stdout[0] as { keys: any[] }).keys;
    expect(keys.map((k) => k.name)).toEqual(['test-admin', 'ci']);
    expect(JSON.stringify(listed.stdout)).not.toContain(token.slice(-43));

    const revoked = await cli(['keys', 'revoke', key.id, '--data', data]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers })).status).toBe(401);
    // The server sees the CLI's key in its admin listing too.
    const overHttp = await getJson(`${server.url}/admin/keys`, server.auth);
    expect(overHttp.json.keys.find((k: any) => k.id === key.id).status).toBe('revoked');
  });

  it('creates an admin key with --admin and a per-key rate limit, printing the token for humans', async () => {
    const created = await cli([
      'keys',
      'create',
      '--name',
      'ops',
      '--admin',
      '--rate-limit',
      '100',
      '--rate-limit-window',
      '1m',
      '--data',
      data,
    ]);
    expect(created.code, created.stderr).toBe(0);
    const text = created.stdout.map((l) => l.raw ?? JSON.stringify(l)).join('\n');
    const token = /sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(text)![0];
    expect(text).toContain('shown only now');
    const keys = await getJson(`${server.url}/admin/keys`, { authorization: `Bearer ${token}` });
    expect(keys.status).toBe(200);
    expect(keys.json.keys.find((k: any) => k.name === 'ops')).toMatchObject({
      scopes: ['admin'],
      rateLimit: { max: 100, windowMs: 60_000 },
    });
  });

  it('reports mistakes like bad flags', async () => {
    const badScope = await cli(['keys', 'create', '--name', 'x', '--scopes', 'everything', '--data', data]);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toMatch(/unknown scope "everything"/);
    const unknown = await cli(['keys', 'revoke', 'ffffffffffff', '--data', data]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no API key with id "ffffffffffff"/);
  });
});

describe('first start', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-first-start-'));
  afterAll(() => {
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it('prints one admin key once when the database has none, and never again', async () => {
    const first = await serveCli(['--models', models.dir, '--data', data, '--workers', '1']);
    let token: string;
    try {
      const banner = first.stderr.join('');
      expect(banner).toContain('shown only this once');
      token = /sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}/.exec(banner)![0];
      // Not in the JSON logs.
      expect(JSON.stringify(first.lines)).not.toContain(token);
      expect((await fetch(`${first.url}/admin/keys`)).status).toBe(401);
      const keys = await getJson(`${first.url}/admin/keys`, { authorization: `Bearer ${token}` });
      expect(keys.status).toBe(200);
      expect(keys.json.keys).toMatchObject([{ name: 'first-admin', scopes: ['admin'] }]);
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
    const second = await serveCli(['--models', models.dir, '--data', data, '--workers', '1']);
    try {
      expect(second.stderr.join('')).not.toContain('sk_sluice_');
      expect((await fetch(`${second.url}/admin/keys`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(readFileSync(path.join(data, 'sluice.db')).byteLength).toBeGreaterThan(0);
  });
});
