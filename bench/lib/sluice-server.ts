/**
 * A real Sluice server for a bench scenario, listening on an ephemeral loopback port, with an API key when
 * the server enforces keys. Logs at "warn": per-request info logs are an operator's choice, not the floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../../packages/core/src/app.js';
import type { ServerConfig } from '../../packages/core/src/config.js';

/** The bench measures serving, not the rate limiter: its key may send far more than any default allows. */
const BENCH_RATE_LIMIT = { max: 1_000_000_000, windowMs: 60_000 };

export interface BenchServer {
  url: string;
  headers: Record<string, string>;
  close(): Promise<void>;
}

/** Longer than the abandoned requests take: at most a few batches of queued work. */
const DRAIN_MS = 2000;

export async function startSluice(options: Partial<ServerConfig> & { models: string }): Promise<BenchServer> {
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-bench-data-'));
  const app = await buildApp({ logLevel: 'warn', ...options, data });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.sluice.initialLoad;
  const { token } = app.sluice.apiKeys.create({ name: 'bench', scopes: ['admin'], rateLimit: BENCH_RATE_LIMIT });
  const headers = { authorization: `Bearer ${token}` };
  return {
    url,
    headers,
    async close() {
      // autocannon abandons its last requests when its time is up; let the server finish them first, because
      // closing terminates the ORT workers and a worker terminated inside session.run() aborts the process.
      await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
      await app.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}
