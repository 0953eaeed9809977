/**
 * Console sessions over real HTTP: an API key exchanged for an HttpOnly cookie at POST /auth/session (same-origin
 * only), the cookie acting as the key on the API (core's CSRF rule for state changes), GET /auth/session for any
 * principal (a plugin's strategy and its role too), sign-out, a revoked or expired key ending its sessions, idle
 * and absolute expiry (short options), the bound on sessions per key, refused keys counted by the failed-auth
 * limiter and audited like any refused credential, and tokens kept out of the database and the logs.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../packages/core/src/extensions.js';
import { MAX_SESSIONS_PER_KEY } from '../packages/core/src/console/session-store.js';
import sessionPlugin, { SESSION_COOKIE as DEMO_COOKIE } from './fixtures/session-plugin/index.js';
import { copyDemoModels, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

/** A response's JSON body, untyped (tests read what the server sent). */
const json = (response: Response): Promise<any> => response.json();

const COOKIE = /^sluice_session=([A-Za-z0-9_-]{43}); Path=\/; Max-Age=(\d+); HttpOnly; SameSite=Strict(; Secure)?$/;
const SENTIMENT = { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['fine'] }] };

interface SignIn {
  status: number;
  body: any;
  setCookie: string | null;
  /** "sluice_session=<token>", ready for a Cookie header. */
  cookie: string;
  token: string;
}

async function signIn(url: string, apiKey: unknown, headers: Record<string, string> = { origin: url }): Promise<SignIn> {
  const response = await fetch(`${url}/auth/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ apiKey }),
  });
  const setCookie = response.headers.get('set-cookie');
  const token = setCookie ? (COOKIE.exec(setCookie)?.[1] ?? '') : '';
  return { status: response.status, body: await response.json(), setCookie, cookie: `sluice_session=${token}`, token };
}

function whoAmI(url: string, headers: Record<string, string>) {
  return fetch(`${url}/auth/session`, { headers });
}

describe('console sessions', () => {
  const models = copyDemoModels(['sentiment']);
  const audits: AuditEvent[] = [];
  let server: TestServer;
  let opsKey: { token: string; id: string };
  beforeAll(async () => {
    server = await startTestServer(
      { models: models.dir, trustProxy: ['127.0.0.1'] },
      { beforeListen: (app) => app.register(sessionPlugin) },
    );
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
    const created = server.app.sluice.apiKeys.create({ name: 'ops', scopes: ['infer', 'models:read'], models: ['sentiment'] });
    opsKey = { token: created.token, id: created.key.id };
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  it('exchanges an API key for an HttpOnly, SameSite=Strict cookie and answers the session', async () => {
    const before = Date.now();
    const session = await signIn(server.url, opsKey.token);
    expect(session.status).toBe(200);
    expect(session.setCookie).toMatch(COOKIE);
    expect(session.setCookie).not.toContain('Secure'); // plain http
    expect(Number(COOKIE.exec(session.setCookie!)![2])).toBe(12 * 3600);
    expect(session.body).toEqual({
      kind: 'api-key',
      id: opsKey.id,
      name: 'ops',
      scopes: ['infer', 'models:read'],
      models: ['sentiment'],
      expiresAt: expect.any(String),
      plan: 'community',
      version: expect.any(String),
    });
    // The idle timeout (1 h) comes before the lifetime (12 h).
    const expiresAt = Date.parse(session.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
    await until(() => audits.find((a) => a.action === 'session.create' && a.actor.id === opsKey.id));
    const created = audits.find((a) => a.action === 'session.create' && a.actor.id === opsKey.id)!;
    expect(created).toMatchObject({
      outcome: 'success',
      actor: { kind: 'api-key', id: opsKey.id, name: 'ops' },
      resource: { type: 'console-session', id: expect.stringMatching(/^[0-9a-f]{16}$/) },
    });
  });

  it('marks the cookie Secure when the request came over https (a trusted proxy says so)', async () => {
    const session = await signIn(server.url, opsKey.token, { origin: server.url, 'x-forwarded-proto': 'https' });
    expect(session.status).toBe(200);
    expect(session.setCookie).toMatch(/; Secure$/);
  });

  it('stores only the SHA-256 of the token, and never logs it or the key', async () => {
    const session = await signIn(server.url, opsKey.token);
    const rows = server.app.sluice.database.sqlite.prepare('SELECT * FROM console_sessions').all() as Record<string, unknown>[];
    const hash = createHash('sha256').update(session.token).digest('hex');
    expect(rows.some((row) => row.token_hash === hash)).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(session.token);
    await whoAmI(server.url, { cookie: session.cookie });
    const logs = JSON.stringify(server.logs);
    expect(logs).not.toContain(session.token);
    expect(logs).not.toContain(opsKey.token);
    expect(logs).not.toContain(opsKey.token.slice(-43)); // the key's secret
  });

  it('acts as the key on the API: its scopes and model allow-list apply', async () => {
    const { cookie } = await signIn(server.url, opsKey.token);
    expect((await fetch(`${server.url}/v2/models/sentiment`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${server.url}/v2/models/silero-vad`, { headers: { cookie } })).status).toBe(403); // not in its allow-list
    expect((await fetch(`${server.url}/admin/keys`, { headers: { cookie } })).status).toBe(403); // no admin scope
    const infer = (headers: Record<string, string>) =>
      fetch(`${server.url}/v2/models/sentiment/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(SENTIMENT),
      });
    expect((await infer({ origin: server.url })).status).toBe(200);
    expect((await infer({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    // A state change carrying the cookie from another site, or without saying where it comes from: CSRF.
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }, {}] as Record<string, string>[]) {
      const response = await infer(headers);
      expect(response.status).toBe(403);
      expect((await json(response)).code).toBe('SLUICE_ERR_FORBIDDEN');
    }
  });

  it('GET /auth/session answers for a session, a bearer key, and another strategy (with its role)', async () => {
    const { cookie } = await signIn(server.url, opsKey.token);
    const bySession = await whoAmI(server.url, { cookie });
    expect(bySession.status).toBe(200);
    expect(bySession.headers.get('cache-control')).toBe('no-store');
    expect(await json(bySession)).toMatchObject({ kind: 'api-key', id: opsKey.id, expiresAt: expect.any(String) });
    const byBearer = await json(await whoAmI(server.url, server.auth));
    expect(byBearer).toEqual({
      kind: 'api-key',
      id: server.adminKeyId,
      name: 'test-admin',
      scopes: ['admin'],
      plan: 'community',
      version: expect.any(String),
    });
    const byPlugin = await json(await whoAmI(server.url, { cookie: DEMO_COOKIE }));
    expect(byPlugin).toEqual({
      kind: 'demo-session',
      id: 'alice',
      role: 'operator',
      scopes: ['models:read', 'models:write'],
      plan: 'community',
      version: expect.any(String),
    });
    const anonymous = await whoAmI(server.url, {});
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).code).toBe('SLUICE_ERR_UNAUTHENTICATED');
  });

  it('signs out: 204, the session is gone, the cookie cleared; a used cookie is then refused and cleared', async () => {
    const { cookie } = await signIn(server.url, opsKey.token);
    const crossSite = await fetch(`${server.url}/auth/session`, { method: 'DELETE', headers: { cookie, origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect((await whoAmI(server.url, { cookie })).status).toBe(200); // still signed in
    const out = await fetch(`${server.url}/auth/session`, { method: 'DELETE', headers: { cookie, origin: server.url } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(
      /^sluice_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict; Expires=Thu, 01 Jan 1970 00:00:00 GMT$/,
    );
    const after = await whoAmI(server.url, { cookie });
    expect(after.status).toBe(401);
    expect((await json(after)).error).toContain('sign in again');
    expect(after.headers.get('set-cookie')).toMatch(/^sluice_session=; .*Max-Age=0/);
    // Signing out without a session is fine too.
    expect((await fetch(`${server.url}/auth/session`, { method: 'DELETE' })).status).toBe(204);
    await until(() => audits.find((a) => a.action === 'session.delete' && a.actor.id === opsKey.id));
  });

  it('a malformed or unknown cookie is refused (and cleared), never taken for another credential', async () => {
    for (const cookie of ['sluice_session=not-a-token', `sluice_session=${'A'.repeat(43)}`]) {
      const response = await fetch(`${server.url}/v2/models/sentiment`, { headers: { cookie } });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    }
  });

  it('revoking the key ends its console sessions at once', async () => {
    const key = server.app.sluice.apiKeys.create({ name: 'short-lived', scopes: ['models:read'] });
    const first = await signIn(server.url, key.token);
    const second = await signIn(server.url, key.token);
    expect((await whoAmI(server.url, { cookie: first.cookie })).status).toBe(200);
    expect((await fetch(`${server.url}/admin/keys/${key.key.id}`, { method: 'DELETE', headers: server.auth })).status).toBe(200);
    for (const { cookie } of [first, second]) {
      const response = await whoAmI(server.url, { cookie });
      expect(response.status).toBe(401);
    }
    const left = server.app.sluice.database.sqlite
      .prepare('SELECT count(*) AS n FROM console_sessions WHERE key_id = ?')
      .get(key.key.id) as { n: number };
    expect(left.n).toBe(0);
    // A revoked key cannot sign in either.
    const again = await signIn(server.url, key.token);
    expect([again.status, again.body.code, again.setCookie]).toEqual([401, 'SLUICE_ERR_UNAUTHENTICATED', null]);
    expect(again.body.error).toBe('the API key has been revoked');
  });

  it('a session ends when its key expires', async () => {
    const expiresAt = Date.now() + 3_000;
    const key = server.app.sluice.apiKeys.create({ name: 'expiring', scopes: ['models:read'], expiresAt });
    const session = await signIn(server.url, key.token);
    expect(Date.parse(session.body.expiresAt)).toBe(expiresAt);
    expect((await whoAmI(server.url, { cookie: session.cookie })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt + 100 - Date.now())));
    const response = await whoAmI(server.url, { cookie: session.cookie });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toContain('has expired');
  });

  it('refuses a sign-in from another origin, or one that does not say where it comes from', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      {},
    ] as Record<string, string>[]) {
      const refused = await signIn(server.url, opsKey.token, headers);
      expect([JSON.stringify(headers), refused.status, refused.body.code, refused.setCookie]).toEqual([
        JSON.stringify(headers),
        403,
        'SLUICE_ERR_FORBIDDEN',
        null,
      ]);
    }
    expect((await signIn(server.url, opsKey.token, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('answers a malformed body with 400', async () => {
    for (const body of ['{}', '{"apiKey": 5}', '{"apiKey": null}', '[]', 'not json', JSON.stringify({ apiKey: 'x'.repeat(600) })]) {
      const response = await fetch(`${server.url}/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body,
      });
      expect([body.slice(0, 30), response.status]).toEqual([body.slice(0, 30), 400]);
    }
  });

  it(`keeps at most ${MAX_SESSIONS_PER_KEY} sessions per key (the least recently used go first)`, async () => {
    const key = server.app.sluice.apiKeys.create({ name: 'many-tabs', scopes: ['models:read'] });
    const sessions: SignIn[] = [];
    for (let i = 0; i <= MAX_SESSIONS_PER_KEY; i++) sessions.push(await signIn(server.url, key.token));
    const count = server.app.sluice.database.sqlite
      .prepare('SELECT count(*) AS n FROM console_sessions WHERE key_id = ?')
      .get(key.key.id) as { n: number };
    expect(count.n).toBe(MAX_SESSIONS_PER_KEY);
    expect((await whoAmI(server.url, { cookie: sessions[0]!.cookie })).status).toBe(401);
    expect((await whoAmI(server.url, { cookie: sessions.at(-1)!.cookie })).status).toBe(200);
  });
});

describe('refused keys at sign-in', () => {
  const models = copyDemoModels([]);
  const audits: AuditEvent[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir, authFailureMax: 3 });
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  it('are 401s audited as auth.failure, then 429 past the failed-auth limit; a valid key still signs in', async () => {
    const forged = `sk_sluice_0123456789ab_${'A'.repeat(43)}`;
    const first = await signIn(server.url, forged);
    expect([first.status, first.body.code, first.setCookie]).toEqual([401, 'SLUICE_ERR_UNAUTHENTICATED', null]);
    expect(first.body.error).toBe('the API key is not valid');
    const malformed = await signIn(server.url, 'hunter2');
    expect([malformed.status, malformed.body.error]).toEqual([401, 'the API key is malformed']);
    expect((await signIn(server.url, forged)).status).toBe(401);
    const limited = await fetch(`${server.url}/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ apiKey: forged }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await json(limited)).code).toBe('SLUICE_ERR_RATE_LIMITED');
    // The limit is on refused credentials only.
    const valid = await signIn(server.url, server.auth.authorization!.slice('Bearer '.length));
    expect(valid.status).toBe(200);
    const failure = await until(() => audits.find((a) => a.action === 'auth.failure' && a.resource.id === 'POST /auth/session'));
    expect(failure).toMatchObject({
      outcome: 'failure',
      actor: { kind: 'api-key', id: '0123456789ab' },
      reason: 'the API key is not valid',
    });
    expect(JSON.stringify(audits)).not.toContain('hunter2');
    expect(JSON.stringify(server.logs)).not.toContain('hunter2');
  });
});

describe('session expiry (short options)', () => {
  const models = copyDemoModels([]);
  let idle: TestServer;
  let lifetime: TestServer;
  beforeAll(async () => {
    [idle, lifetime] = await Promise.all([
      startTestServer({ models: models.dir, consoleSessionIdleMs: 2_000, consoleSessionTtlMs: 60_000 }),
      startTestServer({ models: models.dir, consoleSessionIdleMs: 60_000, consoleSessionTtlMs: 2_000 }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([idle?.close(), lifetime?.close()]);
    models.remove();
  });

  const key = (server: TestServer) => server.auth.authorization!.slice('Bearer '.length);

  it('an idle session ends after the idle timeout; one in use lives on', async () => {
    const started = Date.now();
    const used = await signIn(idle.url, key(idle));
    const left = await signIn(idle.url, key(idle));
    expect(Number(COOKIE.exec(used.setCookie!)![2])).toBe(60);
    // Used every 400 ms for longer than the idle timeout (2 s): alive all along.
    while (Date.now() - started < 2_600) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await whoAmI(idle.url, { cookie: used.cookie })).status).toBe(200);
    }
    const ended = await whoAmI(idle.url, { cookie: left.cookie });
    expect(ended.status).toBe(401);
    expect((await json(ended)).error).toBe('the console session was idle for too long; sign in again');
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    expect((await whoAmI(idle.url, { cookie: used.cookie })).status).toBe(401);
  });

  it('a session ends at its absolute lifetime, however much it is used', async () => {
    const started = Date.now();
    const session = await signIn(lifetime.url, key(lifetime));
    expect(Date.parse(session.body.expiresAt)).toBeLessThanOrEqual(Date.now() + 2_000);
    for (let i = 0; i < 3; i++) {
      expect((await whoAmI(lifetime.url, { cookie: session.cookie })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 2_100 - Date.now())));
    const ended = await whoAmI(lifetime.url, { cookie: session.cookie });
    expect(ended.status).toBe(401);
    expect((await json(ended)).error).toBe('the console session reached its maximum lifetime; sign in again');
  });
});
