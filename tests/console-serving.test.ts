/**
 * The web console's files over real HTTP: a console folder built by the test (index.html, hashed assets), the
 * SPA fallback, caching headers and ETags, the strict CSP, traversal attempts sent as raw paths (never
 * normalised by a client) that must all be a 404 in the JSON error shape, a plugin's page in the manifest and
 * its files under /console/ext/<id>/, a console that is not built (or is built while the server runs), and
 * `--console off`.
 */
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../packages/core/src/console/console-routes.js';
import { resolveConfig } from '../packages/core/src/config.js';
import { copyDemoModels, startTestServer, type TestServer } from './helpers/test-server.js';

/** A response's JSON body, untyped (tests read what the server sent). */
const json = (response: Response): Promise<any> => response.json();

const CONSOLE_PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'console-plugin', 'index.ts');
const JSON_API_CSP = "default-src 'none';frame-ancestors 'none'";
const INDEX_HTML =
  '<!doctype html><html><head><link rel="stylesheet" href="/console/assets/index-4f9a1c.css"><script type="module" src="/console/assets/index-7b2e0d.js"></script></head><body><div id="app"></div></body></html>\n';
const APP_JS = 'export const answer = 42;\n';
/** Large enough to be sent compressed (console-compression.ts). */
const BIG_JS = Array.from({ length: 200 }, (_, i) => `export const value${i} = ${i * 7};`).join('\n');
/** The shell as built, without the preload hints the server adds before </head> (console-shell.ts). */
const withoutHints = (html: string) =>
  html.replace(/\s*<link rel="(?:preload|modulepreload)"[^>]*>/g, '').replace(/\s+<\/head>/, '</head>');
const SECRET = 'SECRET-OUTSIDE-THE-CONSOLE-8d1f';

/** A GET with the path sent byte for byte (fetch would normalise "..", "%2e%2e" and backslashes away). */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: hostname, port, method, path: rawPath, headers: { connection: 'close', ...headers }, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** A built console in a temp folder, with a secret file beside it and a symbolic link inside pointing at it. */
function makeConsoleFolder(): { root: string; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'sluice-console-'));
  const dir = path.join(root, 'console-dist');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(path.join(dir, 'assets', 'index-7b2e0d.js'), APP_JS);
  writeFileSync(path.join(dir, 'assets', 'big-5c6d7e.js'), BIG_JS);
  writeFileSync(path.join(dir, 'assets', 'index-4f9a1c.css'), 'body{margin:0}\n');
  writeFileSync(path.join(dir, 'assets', '.hidden'), SECRET);
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: SECRET }));
  writeFileSync(path.join(root, 'secret.txt'), SECRET);
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'assets', 'link.txt'));
  return { root, dir };
}

describe('the web console, served by core', () => {
  const folder = makeConsoleFolder();
  let server: TestServer;
  beforeAll(async () => {
    // Only this plugin (not SLUICE_TEST_PLUGINS'): the manifest must list exactly its pages.
    server = await startTestServer({ consoleDir: folder.dir, plugins: [CONSOLE_PLUGIN] }, { ownPlugins: true });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('redirects / and /console to /console/', async () => {
    for (const from of ['/', '/console']) {
      const response = await fetch(`${server.url}${from}`, { redirect: 'manual' });
      expect([from, response.status, response.headers.get('location')]).toEqual([from, 302, '/console/']);
    }
  });

  it('answers the app shell for /console/ and every page path, never cached without revalidation', async () => {
    for (const page of [
      '/console/',
      '/console/overview',
      '/console/models',
      '/console/models/sentiment',
      '/console/models/my.model.v2',
      '/console/keys/',
      '/console/hello',
      '/console/index.html',
    ]) {
      const response = await fetch(`${server.url}${page}`);
      expect([page, response.status]).toEqual([page, 200]);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
      expect(withoutHints(await response.text())).toBe(INDEX_HTML);
    }
    const head = await fetch(`${server.url}/console/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it("adds preload hints to the shell: the first reads on every page, a plugin page's entry and styles at its URL", async () => {
    const first = [
      '<link rel="preload" href="/auth/session" as="fetch" crossorigin>',
      '<link rel="preload" href="/console/manifest.json" as="fetch" crossorigin>',
    ];
    const plugin = [
      '<link rel="modulepreload" href="/console/ext/hello/hello.js">',
      '<link rel="preload" href="/console/ext/hello/hello.css" as="style" crossorigin>',
    ];
    const models = await (await fetch(`${server.url}/console/models`)).text();
    for (const link of first) expect(models).toContain(link);
    for (const link of plugin) expect(models).not.toContain(link);
    const hello = await fetch(`${server.url}/console/hello`);
    const html = await hello.text();
    for (const link of [...first, ...plugin]) expect(html).toContain(link);
    expect(html.indexOf(plugin[0]!)).toBeLessThan(html.indexOf('</head>'));
    // Another page, another body: its own ETag.
    expect(hello.headers.get('etag')).not.toBe((await fetch(`${server.url}/console/models`)).headers.get('etag'));
  });

  it('sends text files compressed to a client that accepts it (brotli first), with their own ETag', async () => {
    const url = `${server.url}/console/assets/big-5c6d7e.js`;
    const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    expect(await plain.text()).toBe(BIG_JS);
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
    ] as const) {
      const response = await fetch(url, { headers: { 'accept-encoding': accept } });
      expect([accept, response.headers.get('content-encoding')]).toEqual([accept, encoding]);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(Number(response.headers.get('content-length'))).toBeLessThan(BIG_JS.length / 2);
      expect(await response.text()).toBe(BIG_JS); // fetch decompresses
      const etag = response.headers.get('etag')!;
      expect(etag).toBe(`${plain.headers.get('etag')!.slice(0, -1)}-${encoding}"`);
      const again = await fetch(url, { headers: { 'accept-encoding': accept, 'if-none-match': etag } });
      expect(again.status).toBe(304);
    }
    // Small files are not worth it.
    const small = await fetch(`${server.url}/console/assets/index-7b2e0d.js`, { headers: { 'accept-encoding': 'br' } });
    expect([small.headers.get('content-encoding'), small.headers.get('vary')]).toEqual([null, null]);
  });

  it('revalidates with the ETag (304 without a body)', async () => {
    const first = await fetch(`${server.url}/console/`);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}/console/models`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(await again.text()).toBe('');
    expect((await fetch(`${server.url}/console/`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('serves the hashed assets with their content type, cached for a year', async () => {
    const js = await fetch(`${server.url}/console/assets/index-7b2e0d.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe(APP_JS);
    const css = await fetch(`${server.url}/console/assets/index-4f9a1c.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const icon = await fetch(`${server.url}/console/favicon.svg`);
    expect([icon.status, icon.headers.get('content-type'), icon.headers.get('cache-control')]).toEqual([200, 'image/svg+xml', 'no-cache']);
    const etag = js.headers.get('etag')!;
    expect((await fetch(`${server.url}/console/assets/index-7b2e0d.js`, { headers: { 'if-none-match': `W/${etag}, "x"` } })).status).toBe(
      304,
    );
  });

  it("puts the strict CSP on every console response, errors included, and keeps the JSON API's own", async () => {
    for (const page of [
      '/console/',
      '/console/models',
      '/console/assets/index-7b2e0d.js',
      '/console/assets/missing.js',
      '/console/manifest.json',
      '/console/ext/hello/hello.js',
      '/',
    ]) {
      const response = await fetch(`${server.url}${page}`, { redirect: 'manual' });
      expect([page, response.headers.get('content-security-policy')]).toEqual([page, CONSOLE_CSP]);
    }
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    expect(CONSOLE_CSP).not.toContain('unsafe-eval');
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    const api = await fetch(`${server.url}/v2/health/live`);
    expect(api.headers.get('content-security-policy')).toBe(JSON_API_CSP);
  });

  it('answers an unknown asset with a 404 in the JSON error shape', async () => {
    const response = await fetch(`${server.url}/console/assets/index-000000.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await json(response)).toMatchObject({ code: 'SLUICE_ERR_ROUTE_NOT_FOUND' });
  });

  it('refuses every traversal attempt with a 404 JSON error, whatever the encoding', async () => {
    const attempts = [
      '/console/assets/..%2f..%2fpackage.json',
      '/console/assets/..%2F..%2Fsecret.txt',
      '/console/assets/%2e%2e/%2e%2e/package.json',
      '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/console/assets/%2E%2E/secret.txt',
      '/console/assets/../../package.json',
      '/console/assets/../secret.txt',
      '/console/assets/..\\..\\package.json',
      '/console/assets/..%5c..%5csecret.txt',
      '/console/assets/%252e%252e%252fsecret.txt',
      '/console/assets/.%2e/.%2e/secret.txt',
      '/console/assets/index-7b2e0d.js%00.html',
      '/console/assets/%00',
      '/console/assets//etc/passwd',
      '/console/assets/link.txt',
      '/console/assets/.hidden',
      '/console/assets/',
      '/console/..%2f..%2fpackage.json',
      '/console/%2e%2e/secret.txt',
      '/console/../secret.txt',
      '/console/..\\secret.txt',
      '/console/models/..%2f..%2f..%2fsecret.txt',
      '/console/ext/hello/..%2findex.ts',
      '/console/ext/hello/../index.ts',
      '/console/ext/hello/%2e%2e/%2e%2e/console-plugin/index.ts',
      '/console/ext/hello/..\\index.ts',
      '/console/ext/..%2f..%2fsecret.txt/x',
      '/console/ext/hello/',
      '/console/ext/nope/hello.js',
      '/console/ext/hello',
    ];
    for (const attempt of attempts) {
      const response = await rawGet(server.url, attempt);
      expect([attempt, response.status]).toEqual([attempt, 404]);
      expect([attempt, response.headers['content-type']]).toEqual([attempt, 'application/json; charset=utf-8']);
      expect([attempt, JSON.parse(response.body).code]).toEqual([attempt, expect.stringMatching(/^SLUICE_ERR_ROUTE_NOT_FOUND$/)]);
      expect(response.body).not.toContain(SECRET);
      expect(response.body).not.toContain('export default fp');
    }
    // A path that does not decode (an overlong UTF-8 "..") is refused before any route: 400 in the same shape.
    for (const attempt of ['/console/assets/%c0%ae%c0%ae/secret.txt', '/console/ext/hello/%c0%ae%c0%ae/index.ts']) {
      const response = await rawGet(server.url, attempt);
      expect([attempt, response.status, JSON.parse(response.body).code]).toEqual([attempt, 400, 'SLUICE_ERR_BAD_REQUEST']);
    }
  });

  it("lists the plugin's pages and sign-in methods in the manifest", async () => {
    const response = await fetch(`${server.url}/console/manifest.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const manifest = await json(response);
    expect(manifest).toEqual({
      product: 'Sluice',
      version: expect.any(String),
      signIns: [
        {
          id: 'example-sso',
          label: 'Sign in with Example',
          href: '/example/login',
          signOutHref: '/example/logout',
          principalKind: 'example',
        },
      ],
      pages: [
        {
          id: 'hello',
          title: 'Hello',
          entry: '/console/ext/hello/hello.js',
          styles: ['/console/ext/hello/hello.css'],
          scopes: ['models:read'],
          entitlement: 'example-premium',
          order: 60,
        },
        { id: 'plain', title: 'Plain', entry: '/console/ext/plain/hello.js', styles: [], scopes: [], entitlement: null, order: 100 },
      ],
    });
  });

  it("serves a plugin page's files from its assetsDir, and nothing else", async () => {
    const entry = await fetch(`${server.url}/console/ext/hello/hello.js`);
    expect(entry.status).toBe(200);
    expect(entry.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(entry.headers.get('cache-control')).toBe('no-cache');
    expect(await entry.text()).toContain('export function mount(element, context)');
    const style = await fetch(`${server.url}/console/ext/hello/hello.css`);
    expect([style.status, style.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
    const nested = await fetch(`${server.url}/console/ext/hello/img/dot.svg`);
    expect([nested.status, nested.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    const missing = await fetch(`${server.url}/console/ext/hello/other.js`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).code).toBe('SLUICE_ERR_ROUTE_NOT_FOUND');
  });

  it('needs no credentials for the shell, the assets or the manifest, and ignores bad ones', async () => {
    for (const page of ['/console/', '/console/assets/index-7b2e0d.js', '/console/manifest.json']) {
      expect((await fetch(`${server.url}${page}`, { headers: { authorization: 'Bearer sk_sluice_bad' } })).status).toBe(200);
    }
  });
});

describe('a console that is not built', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sluice-console-missing-'));
  const dir = path.join(root, 'console-dist');
  const models = copyDemoModels([]);
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir, consoleDir: dir });
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 404 SLUICE_ERR_CONSOLE_NOT_BUILT saying to run the build, and says so in the log', async () => {
    for (const page of ['/console/', '/console/models', '/console/assets/index-7b2e0d.js']) {
      const response = await fetch(`${server.url}${page}`);
      expect([page, response.status]).toEqual([page, 404]);
      const body = await json(response);
      expect(body.code).toBe('SLUICE_ERR_CONSOLE_NOT_BUILT');
      expect(body.error).toContain('npm run build');
      expect(body.error).not.toContain(root); // no server paths
    }
    expect((await fetch(`${server.url}/console/manifest.json`)).status).toBe(200);
    expect(server.logs.some((line) => String(line.msg).includes('not built'))).toBe(true);
  });

  it('serves the console once it is built, without a restart', async () => {
    mkdirSync(path.join(dir, 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'assets', 'index-7b2e0d.js'), APP_JS);
    writeFileSync(path.join(dir, 'index.html'), INDEX_HTML);
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the folder is looked at again at most every 2 s
    const shell = await fetch(`${server.url}/console/`);
    expect(shell.status).toBe(200);
    expect(withoutHints(await shell.text())).toBe(INDEX_HTML);
    expect((await fetch(`${server.url}/console/assets/index-7b2e0d.js`)).status).toBe(200);
  });
});

describe('--console off', () => {
  const models = copyDemoModels([]);
  const folder = makeConsoleFolder();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir, consoleDir: folder.dir, console: 'off' }, { ownPlugins: true });
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('serves no console and no console sign-in', async () => {
    for (const [method, page] of [
      ['GET', '/'],
      ['GET', '/console'],
      ['GET', '/console/'],
      ['GET', '/console/manifest.json'],
      ['GET', '/console/assets/index-7b2e0d.js'],
      ['POST', '/auth/session'],
    ] as const) {
      const response = await fetch(`${server.url}${page}`, { method, redirect: 'manual' });
      expect([method, page, response.status]).toEqual([method, page, 404]);
    }
    expect(server.app.sluice.extensions.auth.strategies().map((s) => s.name)).toEqual(['api-key']);
  });

  it('is set by --console off or SLUICE_CONSOLE=off, and the folder by --console-dir', () => {
    expect(resolveConfig({ flags: { console: 'off' }, env: {} }).console).toBe('off');
    expect(resolveConfig({ env: { SLUICE_CONSOLE: 'off' } }).console).toBe('off');
    expect(resolveConfig({ env: {} }).console).toBe('on');
    expect(resolveConfig({ env: {} }).consoleDir).toBe(path.resolve(import.meta.dirname, '..', 'packages', 'core', 'console-dist'));
    expect(resolveConfig({ flags: { 'console-dir': 'web' }, env: {}, cwd: '/srv' }).consoleDir).toBe('/srv/web');
    expect(() => resolveConfig({ env: { SLUICE_CONSOLE: 'maybe' } })).toThrow(/console/);
  });
});
