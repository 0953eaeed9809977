/**
 * Every route has an auth rule, and every rule is enforced: table-driven over the routes the server actually
 * registered (cross-checked against fastify's own printRoutes), one real key per scope, real HTTP.
 * A new route without a rule fails the first test here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../packages/core/src/app.js';
import { SCOPES } from '../packages/core/src/auth/scopes.js';
import type { RouteRuleEntry } from '../packages/core/src/auth/auth-plugin.js';
import { startTestServer, type TestServer } from './helpers/test-server.js';

/** Every method + URL fastify knows, rebuilt from printRoutes' tree (independent of the auth plugin's own list). */
function fastifyRoutes(app: FastifyInstance): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[└├]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = full;
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean))
      routes.add(`${method} ${full}`);
  }
  return routes;
}

function undeclared(entries: RouteRuleEntry[]): string[] {
  return entries.filter((e) => e.rule === undefined).map((e) => `${e.method} ${e.url}`);
}

function concreteUrl(pattern: string): string {
  return pattern.replace(':model', 'sentiment').replace(':version', '1').replace(':id', '000000000000').replace('*', 'anything');
}

describe('route -> scope table', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // This file sends every route a request without credentials (more than 100 with a plugin's routes): the
    // refused-credentials limit per address (tests/auth-failure-limits.test.ts) must not turn those into 429s.
    server = await startTestServer({ metricsAuth: 'on', authFailureMax: 100_000 });
    for (const scope of SCOPES) tokens[scope] = server.app.sluice.apiKeys.create({ name: `only-${scope}`, scopes: [scope] }).token;
  });
  afterAll(async () => server?.close());

  it('every registered route declares an auth rule', () => {
    const entries = server.app.sluiceRouteRules();
    const known = new Set(entries.map((e) => `${e.method} ${e.url}`));
    const all = fastifyRoutes(server.app);
    expect(all.size).toBeGreaterThan(15);
    // The auth plugin saw every route. Two display quirks of printRoutes: "/docs/" is the "/docs" route's
    // trailing-slash twin, and a wildcard is printed under its nearest static parent ("/docs/*" for "/docs/static/*").
    const seen = (route: string) =>
      known.has(route) ||
      known.has(route.replace(/\/$/, '')) ||
      (route.endsWith('*') && [...known].some((k) => k.endsWith('*') && k.startsWith(route.slice(0, -1))));
    expect([...all].filter((route) => !seen(route))).toEqual([]);
    expect(undeclared(entries)).toEqual([]);
  });

  it('the check catches a route added without a rule, which then answers admins only', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'sluice-undeclared-'));
    const app = await buildApp({ models: server.app.sluice.config.models, data, workers: 1, logLevel: 'silent' });
    app.get('/forgotten', async () => ({ ok: true }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect(undeclared(app.sluiceRouteRules())).toEqual(['GET /forgotten', 'HEAD /forgotten']);
      const infer = app.sluice.apiKeys.create({ name: 'infer', scopes: ['infer'] }).token;
      const admin = app.sluice.apiKeys.create({ name: 'admin', scopes: ['admin'] }).token;
      expect((await fetch(`${url}/forgotten`, { headers: { authorization: `Bearer ${infer}` } })).status).toBe(403);
      expect((await fetch(`${url}/forgotten`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
    } finally {
      await app.close();
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('enforces each rule for every scope on every route', async () => {
    const checked: string[] = [];
    for (const { method, url, rule } of server.app.sluiceRouteRules()) {
      if (method === 'HEAD' || method === 'OPTIONS' || !rule) continue;
      const target = `${server.url}${concreteUrl(url)}`;
      const body = method === 'POST' ? JSON.stringify({}) : undefined;
      const call = (token?: string) =>
        fetch(target, {
          method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
          body,
        }).then(async (r) => {
          const json = (await r.json().catch(() => undefined)) as { code?: string; error?: { code?: string } } | undefined;
          return { status: r.status, json: { code: json?.code ?? json?.error?.code } }; // OpenAI routes nest the error
        });

      const anonymous = await call();
      if (rule.access === 'public') {
        expect(anonymous.status, `${method} ${url} is public`).not.toBe(401);
        checked.push(`${method} ${url}: public`);
        continue;
      }
      expect(anonymous.status, `${method} ${url} without a key`).toBe(401);
      expect(anonymous.json?.code).toBe('SLUICE_ERR_UNAUTHENTICATED');
      expect((await call('sk_sluice_000000000000_' + 'A'.repeat(43))).status, `${method} ${url} with a forged key`).toBe(401);
      for (const scope of SCOPES) {
        const allowed = rule.access === 'authenticated' || scope === 'admin' || (rule.access.scopes as readonly string[]).includes(scope);
        const { status, json } = await call(tokens[scope]);
        if (allowed) expect([401, 403], `${method} ${url} with ${scope} (got ${status} ${json?.code})`).not.toContain(status);
        else {
          expect(status, `${method} ${url} with ${scope}`).toBe(403);
          expect(json?.code).toBe('SLUICE_ERR_FORBIDDEN');
        }
      }
      checked.push(`${method} ${url}: ${rule.access === 'authenticated' ? 'authenticated' : rule.access.scopes.join('|')}`);
    }
    // The table as enforced, for the reader of a failing run.
    expect(checked).toContain('POST /v2/models/:model/infer: infer');
    expect(checked).toContain('POST /v2/repository/models/:model/load: models:write');
    expect(checked).toContain('DELETE /admin/keys/:id: admin');
    expect(checked).toContain('GET /metrics: metrics:read');
    expect(checked).toContain('GET /v2/health/live: public');
  });

  it('applies per-model allow-lists to path parameters and to the OpenAI body field', async () => {
    // The table test unloaded models with its models:write key: load sentiment again.
    expect((await fetch(`${server.url}/v2/repository/models/sentiment/load`, { method: 'POST', headers: server.auth })).status).toBe(200);
    const { token } = server.app.sluice.apiKeys.create({ name: 'sentiment-only', scopes: ['infer'], models: ['sentiment'] });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['fine'] }] });
    expect((await fetch(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers, body })).status).toBe(200);
    const other = await fetch(`${server.url}/v2/models/silero-vad/infer`, { method: 'POST', headers, body });
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: string }).error).toContain('silero-vad');
    expect((await fetch(`${server.url}/v2/models/silero-vad`, { headers })).status).toBe(403);
    const embeddings = await fetch(`${server.url}/v1/embeddings`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'other-model:2', input: 'x' }),
    });
    expect(embeddings.status).toBe(403);
  });

  it('metrics are public unless metrics auth is on', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${tokens['metrics:read']}` } })).status).toBe(200);
    const open = await startTestServer();
    try {
      expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${open.url}/v2/health/ready`)).status).toBe(200);
      expect((await fetch(`${open.url}/v2`)).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});
