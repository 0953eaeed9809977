/**
 * A real Sluice server with the SSO plugin registered programmatically (as the enterprise plugin does), on a
 * loopback port chosen in advance: the redirect URI registered at the IdP must name it before the server starts.
 * Entitlements are provided through the public contract; the test can switch them at runtime.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/core/src/app.js';
import { withApiKeys } from '../../packages/core/src/auth/with-api-keys.js';
import type { AuditEvent, InferenceCompletedEvent } from '../../packages/core/src/extensions.js';
import { ssoPlugin, type SsoPluginOptions } from '../../packages/enterprise/src/sso/index.js';

export interface SsoTestServer {
  app: FastifyInstance;
  url: string;
  logs: Record<string, unknown>[];
  audit: AuditEvent[];
  inference: InferenceCompletedEvent[];
  /** A break-glass admin API key. */
  adminAuth: Record<string, string>;
  /** Switch the `sso` entitlement on or off (community plan) while the server runs. */
  entitle(on: boolean): void;
  close(): Promise<void>;
}

/** A free loopback port (released at once; the server binds it right after). */
export async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startSsoSluice(options: {
  port: number;
  models: string;
  sso: SsoPluginOptions;
  entitled?: boolean;
}): Promise<SsoTestServer> {
  const logs: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-sso-'));
  const admin = withApiKeys(data, (keys) => keys.create({ name: 'break-glass', scopes: ['admin'] }));
  const app = await buildApp({ models: options.models, data, workers: 1, logLevel: 'info', logStream });
  const audit: AuditEvent[] = [];
  const inference: InferenceCompletedEvent[] = [];
  app.sluice.extensions.events.on('audit', (event) => void audit.push(event));
  app.sluice.extensions.events.on('inference.completed', (event) => void inference.push(event));
  const entitle = (on: boolean) =>
    app.sluice.extensions.entitlements.provide(
      on ? { plan: 'enterprise', has: (feature) => feature === 'sso' } : { plan: 'community', has: () => false },
    );
  entitle(options.entitled ?? true);
  await app.register(ssoPlugin, { env: {}, ...options.sso });
  const url = await app.listen({ host: '127.0.0.1', port: options.port });
  await app.sluice.initialLoad;
  return {
    app,
    url,
    logs,
    audit,
    inference,
    adminAuth: { authorization: `Bearer ${admin.token}` },
    entitle,
    async close() {
      await app.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Waits until `probe` returns something (events are delivered off the request path). */
/** Waits for a condition (the shared polling helper, under the name the SSO tests use). */
export { until as eventually } from './until.js';
