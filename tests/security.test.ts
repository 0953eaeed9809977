/**
 * Security basics over real HTTP: path traversal attempts on every route that takes a model name (raw request
 * paths, no client-side normalisation), helmet headers with a working /docs page, CORS off unless configured,
 * body limits, and authentication before a body is read.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../packages/core/src/app.js';
import { DEMO_MODELS, startTestServer, type TestServer } from './helpers/test-server.js';

function raw(
  url: string,
  method: string,
  rawPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path: rawPath,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const TRAVERSALS = [
  '..',
  '..%2Foutside',
  '..%2foutside',
  '%2E%2E%2Foutside',
  '%2e%2e',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2Fetc%2Fpasswd',
  '%2Ftmp',
  'sentiment%2F..%2F..%2Foutside',
  '..%5Coutside',
  'C%3A%5Cwindows',
  '%00sentiment',
  '.hidden',
];

describe('model names cannot escape the repository', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-traversal-'));
  const repo = path.join(scratch, 'repo');
  let server: TestServer;
  beforeAll(async () => {
    mkdirSync(repo);
    cpSync(path.join(DEMO_MODELS, 'sentiment'), path.join(repo, 'sentiment'), { recursive: true });
    // A loadable model just outside the repository: the prize a traversal would win.
    cpSync(path.join(DEMO_MODELS, 'sentiment'), path.join(scratch, 'outside'), { recursive: true });
    server = await startTestServer({ models: repo });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const routes: [string, string, string?][] = [
    ['GET', '/v2/models/{m}'],
    ['GET', '/v2/models/{m}/ready'],
    ['GET', '/v2/models/{m}/versions/1'],
    ['GET', '/v2/models/{m}/versions/1/ready'],
    ['GET', '/v2/models/{m}/stats'],
    ['GET', '/v2/models/{m}/versions/1/stats'],
    ['POST', '/v2/models/{m}/infer', JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['x'] }] })],
    ['POST', '/v2/models/{m}/versions/1/infer', JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['x'] }] })],
    ['POST', '/v2/models/{m}/infer/multipart', '{}'],
    ['POST', '/v2/models/{m}/versions/1/infer/multipart', '{}'],
    ['POST', '/v2/models/{m}/generate', JSON.stringify({ text_input: 'x' })],
    ['POST', '/v2/models/{m}/versions/1/generate', JSON.stringify({ text_input: 'x' })],
    ['POST', '/v2/models/{m}/generate_stream', JSON.stringify({ text_input: 'x' })],
    ['POST', '/v2/models/{m}/versions/1/generate_stream', JSON.stringify({ text_input: 'x' })],
    ['POST', '/v2/repository/models/{m}/load', '{}'],
    ['POST', '/v2/repository/models/{m}/unload', '{}'],
    ['GET', '/v2/repository/models/{m}/aliases'],
    ['PUT', '/v2/repository/models/{m}/aliases/stable', JSON.stringify({ version: 1 })],
    ['DELETE', '/v2/repository/models/{m}/aliases/stable'],
    ['GET', '/v2/repository/models/{m}/traffic'],
    ['PUT', '/v2/repository/models/{m}/traffic', JSON.stringify({ versions: [{ version: 1, weight: 1 }] })],
    ['DELETE', '/v2/repository/models/{m}/traffic'],
    ['GET', '/v1/models/{m}'],
  ];

  it('every route with a model name in the path refuses traversal attempts with a 4xx', async () => {
    // Every model-name route of the table is covered here.
    const modelRoutes = server.app
      .sluiceRouteRules()
      .filter((r) => r.url.includes(':model') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(':model', '{m}').replace(':version', '1').replace(':alias', 'stable')}`);
    expect(modelRoutes.sort()).toEqual(routes.map(([m, p]) => `${m} ${p}`).sort());
    const outcomes: string[] = [];
    for (const [method, pattern, body] of routes) {
      for (const name of TRAVERSALS) {
        const response = await raw(server.url, method, pattern.replace('{m}', name), server.auth, body);
        outcomes.push(`${response.status} ${method} ${pattern} ${name}`);
        expect([400, 403, 404], `${method} ${pattern.replace('{m}', name)} -> ${response.status} ${response.body}`).toContain(
          response.status,
        );
      }
    }
    expect(outcomes.length).toBe(routes.length * TRAVERSALS.length);
  });

  it('unencoded dot segments do not reach a route either', async () => {
    for (const rawPath of [
      '/v2/models/../../outside/infer',
      '/v2/repository/models/../outside/load',
      '/v2/models/./sentiment/../../outside',
    ]) {
      const response = await raw(server.url, 'POST', rawPath, server.auth, '{}');
      expect([400, 404], `${rawPath} -> ${response.status}`).toContain(response.status);
    }
  });

  it('the model outside the repository was never loaded', async () => {
    const index = (await fetch(`${server.url}/v2/repository/index`, {
      method: 'POST',
      headers: { ...server.auth, 'content-type': 'application/json' },
      body: '{}',
    }).then((r) => r.json())) as { name: string }[];
    expect(index.map((e) => e.name)).toEqual(['sentiment']);
  });

  it('the OpenAI body field is validated too', async () => {
    for (const model of ['../outside', '/etc/passwd', '..\\outside']) {
      const response = await raw(server.url, 'POST', '/v1/embeddings', server.auth, JSON.stringify({ model, input: 'x' }));
      expect([400, 404], `${model} -> ${response.status} ${response.body}`).toContain(response.status);
    }
  });
});

describe('headers, docs, CORS and body limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 4096 });
  });
  afterAll(async () => server?.close());

  it('sends hardening headers on API responses', async () => {
    const response = await fetch(`${server.url}/v2`, { headers: server.auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toBeNull(); // TLS is the proxy's business
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps /docs working: its scripts are same-origin or hashed in its own CSP', async () => {
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy')!;
    const scriptSrc = /script-src ([^;]+)/.exec(csp)![1]!;
    expect(scriptSrc).toContain("'self'");
    for (const [, src] of html.matchAll(/<script[^>]*src="([^"]+)"/g)) {
      expect(src!.startsWith('http')).toBe(false); // same origin
      const asset = await fetch(new URL(src!, page.url));
      expect(asset.status, src).toBe(200);
    }
    for (const [, inline] of html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g)) {
      if (!inline!.trim()) continue;
      const hash = `'sha256-${createHash('sha256').update(inline!).digest('base64')}'`;
      expect(scriptSrc, 'an inline script must be allowed by hash').toContain(hash);
    }
    for (const [, href] of html.matchAll(/<link[^>]*href="([^"]+)"/g)) {
      expect((await fetch(new URL(href!, page.url))).status, href).toBe(200);
    }
  });

  it('answers no CORS unless origins are configured', async () => {
    const preflight = await fetch(`${server.url}/v2/models/sentiment/infer`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${server.url}/v2`, { headers: { ...server.auth, origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins, and rejects a wildcard at start', async () => {
    const cors = await startTestServer({ corsOrigins: ['https://app.example.com'] });
    try {
      const ok = await fetch(`${cors.url}/v2/models/sentiment/infer`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
      const other = await fetch(`${cors.url}/v2/models/sentiment/infer`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      // The preflight needs no key; the real request still does.
      expect((await fetch(`${cors.url}/v2`, { headers: { origin: 'https://app.example.com' } })).status).toBe(401);
    } finally {
      await cors.close();
    }
    const data = mkdtempSync(path.join(tmpdir(), 'sluice-cors-'));
    try {
      await expect(buildApp({ models: DEMO_MODELS, data, workers: 1, logLevel: 'silent', corsOrigins: ['*'] })).rejects.toThrow(
        /invalid configuration "corsOrigins"/,
      );
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('authenticates before reading a body, and limits bodies', async () => {
    const big = JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['x'.repeat(10_000)] }] });
    const anonymous = await raw(server.url, 'POST', '/v2/models/sentiment/infer', {}, big);
    expect(anonymous.status).toBe(401);
    const tooLarge = await raw(server.url, 'POST', '/v2/models/sentiment/infer', server.auth, big);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).code).toBe('SLUICE_ERR_BODY_TOO_LARGE');
  });
});
