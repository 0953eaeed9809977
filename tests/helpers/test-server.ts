/**
 * Starts a real Sluice server on an ephemeral loopback port for a test, with its logs captured, and stops it.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../packages/core/src/app.js';
import { withApiKeys } from '../../packages/core/src/auth/with-api-keys.js';
import { DEFAULT_MODELS_DIR } from '../../demo/build-demo-repository.js';

export const DEMO_MODELS = DEFAULT_MODELS_DIR;

export interface TestServer {
  app: FastifyInstance;
  url: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  /** Headers that authenticate as an admin: `{ authorization: 'Bearer sk_sluice_...' }`. */
  auth: Record<string, string>;
  /** The admin key's id (as audit and inference events report it). */
  adminKeyId: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface TestServerHooks {
  /** Runs after buildApp and before listen: register plugins here. */
  beforeListen?: (app: FastifyInstance) => unknown;
  /** Keep the temporary data directory after close (to reopen it, e.g. after a restart). */
  keepData?: boolean;
  /** The test registers its own plugins: don't add SLUICE_TEST_PLUGINS' (they would register twice). */
  ownPlugins?: boolean;
}

export async function startTestServer(options: BuildAppOptions = {}, hooks: TestServerHooks = {}): Promise<TestServer> {
  const logs: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const dataDir = options.data ?? mkdtempSync(path.join(tmpdir(), 'sluice-data-'));
  // The same path as `sluice keys create --admin`: a real key in the data directory's database.
  const admin = withApiKeys(dataDir, (keys) => keys.create({ name: 'test-admin', scopes: ['admin'] }));
  // SLUICE_TEST_PLUGINS (tests only; `npm run test:with-enterprise`) loads plugins into every test server as
  // `sluice serve` loads SLUICE_PLUGINS, so the whole suite can run with e.g. @sluice/enterprise and no license.
  const plugins = [...(options.plugins ?? []), ...(hooks.ownPlugins ? [] : testPlugins())];
  const app = await buildApp({ models: DEMO_MODELS, workers: 1, logLevel: 'info', ...options, plugins, data: dataDir, logStream });
  await hooks.beforeListen?.(app);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.sluice.initialLoad;
  return {
    app,
    url,
    logs,
    auth: { authorization: `Bearer ${admin.token}` },
    adminKeyId: admin.key.id,
    dataDir,
    async close() {
      await app.close();
      if (!options.data && !hooks.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function testPlugins(): string[] {
  return (process.env.SLUICE_TEST_PLUGINS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** A private copy of some demo models in a temp directory, for tests that change the repository. */
export function copyDemoModels(names: string[]): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-models-'));
  for (const name of names) cpSync(path.join(DEMO_MODELS, name), path.join(dir, name), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One HTTP request with an optional JSON body; returns status, headers, the text and the parsed JSON if any. */
export async function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  return request(url, { method: 'POST', headers, body: JSON.stringify(body) });
}

export function getJson(url: string, headers: Record<string, string> = {}) {
  return request(url, { headers });
}
