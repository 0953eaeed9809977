/**
 * Metering overhead: the tiny demo `sentiment` model (almost no compute, so per-request overhead shows most)
 * through Sluice's V2 infer route, without the enterprise plugin vs with it under a license that turns on
 * metering and the audit log (inference auditing off, its default) and a quota on the calling key, so every
 * request goes through the quota hook and every completion through the metering listener.
 * Runs alternate in ABBA order (off, on, on, off, ...) so drift on a shared machine cancels; the ratio is the
 * median of per-round on/off ratios (target 0.9).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, exportJWK } from 'jose';
import { buildApp } from '../../packages/core/src/app.js';
import enterprisePlugin from '../../packages/enterprise/src/index.js';
import { issueLicense } from '../../packages/enterprise/src/license/issue-license.js';
import { copyDemoModel, tempRepository } from '../lib/bench-models.js';
import { loadRow, runLoad } from '../lib/load.js';
import type { ResultRow, Scenario, ScenarioResult } from '../lib/scenario.js';
import { benchSeconds } from './durations.js';

const CONNECTIONS = 32;
const BODY = JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['I love this'] }] });
const BENCH_RATE_LIMIT = { max: 1_000_000_000, windowMs: 60_000 };

interface Started {
  url: string;
  headers: Record<string, string>;
  app: FastifyInstance;
  close(): Promise<void>;
}

async function start(models: string, metering: boolean): Promise<Started> {
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-bench-metering-'));
  const app = await buildApp({ models, data, logLevel: 'warn', workers: 1 });
  if (metering) {
    // A key pair made here and trusted through the programmatic option, as tests do: no vendor key involved.
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const license = await issueLicense(privateKey, {
      licensee: 'bench',
      entitlements: ['audit', 'metering'],
      expiresAt: new Date(Date.now() + 30 * 86_400_000),
    });
    await app.register(enterprisePlugin, { trustedPublicKeys: [await exportJWK(publicKey)], license: { key: license } });
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.sluice.initialLoad;
  const created = app.sluice.apiKeys.create({ name: 'bench', scopes: ['admin'], rateLimit: BENCH_RATE_LIMIT });
  if (metering) app.sluiceEnterprise.quotas.set(created.key.id, { requestsPerDay: 1_000_000_000 });
  return {
    url,
    app,
    headers: { authorization: `Bearer ${created.token}` },
    close: async () => {
      await app.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

export const meteringOverhead: Scenario = {
  name: 'metering',
  description: 'tiny-model throughput with the enterprise plugin (metering, audit, quota) on vs no plugin',
  async run(): Promise<ScenarioResult> {
    const repository = tempRepository('metering');
    copyDemoModel(repository.dir, 'sentiment', 'sentiment');
    const rows: ResultRow[] = [];
    const rps: Record<'off' | 'on', number[]> = { off: [], on: [] };
    let meteredRequests = 0;
    try {
      for (const round of [1, 2, 3]) {
        for (const mode of (round % 2 === 1 ? ['off', 'on'] : ['on', 'off']) as ('off' | 'on')[]) {
          const server = await start(repository.dir, mode === 'on');
          try {
            const post = (seconds: number) =>
              runLoad({
                url: `${server.url}/v2/models/sentiment/infer`,
                method: 'POST',
                headers: { 'content-type': 'application/json', ...server.headers },
                body: BODY,
                connections: CONNECTIONS,
                durationSeconds: seconds,
              });
            await post(benchSeconds.warmUp);
            const result = await post(benchSeconds.load);
            rps[mode].push(result.requestsPerSecond);
            rows.push(loadRow(`sluice V2 infer, sentiment, metering ${mode} (round ${round})`, CONNECTIONS, result));
            if (mode === 'on') {
              const usage = server.app.sluiceEnterprise.metering.usage({
                from: 0,
                to: Date.now() + 60_000,
                granularity: 'day',
                groupBy: [],
              });
              meteredRequests += usage[0]?.requests ?? 0;
            }
          } finally {
            await server.close();
          }
        }
      }
    } finally {
      repository.remove();
    }
    const ratios = rps.on.map((on, i) => on / rps.off[i]!).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    return {
      rows,
      ratios: [{ name: 'metering on / off (tiny model, V2 infer; median of 3 rounds)', value: median, target: 0.9 }],
      notes: [
        `per-round on/off ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}`,
        `metering recorded ${meteredRequests} requests across the "on" runs (warm-up included), so it really ran`,
        '"on" = @sluice/enterprise registered with a license (audit + metering entitlements), a quota on the calling key, inference auditing off; "off" = no plugin',
        'the tiny sentiment model makes per-request overhead as visible as it can be; heavier models dilute it',
      ],
    };
  },
};
