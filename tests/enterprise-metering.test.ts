/**
 * Metering and quotas on a real server: usage per key, model and version in minute/hour/day buckets read
 * through the index (never per-request rows), exports (route and CLI) that agree, per-key request and token
 * quotas with 429 SLUICE_EE_ERR_QUOTA_EXCEEDED that reset with the period and survive a restart.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../packages/enterprise/src/csv.js';
import { ROOT, SOURCE_FLAGS } from './helpers/cli-process.js';
import {
  createTestClock,
  createTestVendor,
  DAY_MS,
  request,
  SENTIMENT_BODY,
  startEnterpriseServer,
  type EnterpriseTestServer,
  type TestVendor,
} from './helpers/enterprise-server.js';

const run = promisify(execFile);
// The issue's command names: core's `sluice` runs the enterprise plugin's commands when SLUICE_PLUGINS names it.
const CORE_CLI = path.join(ROOT, 'packages', 'core', 'src', 'cli.ts');
const T0 = new Date('2030-06-10T10:15:00Z');

describe('metering and quotas', () => {
  const clock = createTestClock(T0);
  let vendor: TestVendor;
  let license: string;
  let server: EnterpriseTestServer;
  const keys: Record<string, { id: string; headers: Record<string, string> }> = {};

  const plugin = () => ({ trustedPublicKeys: [vendor.publicJwk], clock, license: { key: license }, metering: { flushMs: 50 } });
  const createKey = async (s: EnterpriseTestServer, name: string) => {
    const created = (await request(`${s.url}/admin/keys`, { method: 'POST', headers: s.auth, body: { name, scopes: ['infer'] } })).json;
    keys[name] = { id: created.key.id, headers: { authorization: `Bearer ${created.token}` } };
    return keys[name]!;
  };
  const infer = (s: EnterpriseTestServer, name: string, model = 'sentiment') =>
    request(`${s.url}/v2/models/${model}/infer`, { method: 'POST', headers: keys[name]!.headers, body: SENTIMENT_BODY });
  const usage = async (query: string) => (await request(`${server.url}/admin/usage?${query}`, { headers: server.auth })).json;

  beforeAll(async () => {
    vendor = await createTestVendor();
    license = await vendor.issue({
      notBefore: new Date(T0.getTime() - DAY_MS),
      issuedAt: T0,
      expiresAt: new Date(T0.getTime() + 365 * DAY_MS),
    });
    server = await startEnterpriseServer({ plugin: plugin(), keepData: true });
  });
  afterAll(() => server?.close());

  it('aggregates requests, items, tokens, compute time and errors per key, model and version', async () => {
    await createKey(server, 'alpha');
    await createKey(server, 'beta');
    for (let i = 0; i < 3; i++) expect((await infer(server, 'alpha')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await infer(server, 'beta')).status).toBe(200);
    const failed = await request(`${server.url}/v2/models/sentiment/infer`, {
      method: 'POST',
      headers: keys.alpha!.headers,
      body: { inputs: [{ name: 'nope', shape: [1], datatype: 'BYTES', data: ['x'] }] },
    });
    expect(failed.status).toBe(400);

    const byKey = await usage('group_by=key,model,version&granularity=day');
    const alpha = byKey.rows.find((r: any) => r.key === keys.alpha!.id && r.version === '1');
    const beta = byKey.rows.find((r: any) => r.key === keys.beta!.id);
    expect(beta).toMatchObject({ keyKind: 'api-key', model: 'sentiment', version: '1', requests: 2, items: 2, errors: 0 });
    expect(beta.tokens).toBeGreaterThan(0);
    // The refused request (an unknown input) counts as a request and an error, with no items.
    expect(alpha).toMatchObject({ model: 'sentiment', requests: 4, items: 3, errors: 1 });
    expect(alpha.tokens).toBe((beta.tokens / 2) * 3);
    // Totals without grouping; the same numbers in the minute and hour buckets.
    const total = (await usage('group_by=none&granularity=day')).rows;
    for (const granularity of ['minute', 'hour']) expect((await usage(`group_by=none&granularity=${granularity}`)).rows).toEqual(total);
    expect(total[0].requests).toBe(6);
  });

  it('buckets by time (minute, hour, day) following the clock', async () => {
    clock.advance(60 * 60_000); // 11:15
    expect((await infer(server, 'beta')).status).toBe(200);
    const hourly = (await usage(`group_by=time&granularity=hour&key=${keys.beta!.id}`)).rows;
    expect(hourly.map((r: any) => [r.time, r.requests])).toEqual([
      ['2030-06-10T10:00:00.000Z', 2],
      ['2030-06-10T11:00:00.000Z', 1],
    ]);
    const minutes = (await usage(`group_by=time&granularity=minute&key=${keys.beta!.id}&from=2030-06-10T11:00:00Z`)).rows;
    expect(minutes.map((r: any) => r.time)).toEqual(['2030-06-10T11:15:00.000Z']);
    expect((await usage(`group_by=time&granularity=day&key=${keys.beta!.id}`)).rows).toEqual([
      expect.objectContaining({ time: '2030-06-10T00:00:00.000Z', requests: 3 }),
    ]);
    expect((await request(`${server.url}/admin/usage?group_by=colour`, { headers: server.auth })).json.code).toBe(
      'SLUICE_EE_ERR_BAD_REQUEST',
    );
  });

  it('reads go through the bucket index, never a scan', () => {
    const db = new Database(path.join(server.dataDir, 'sluice.db'), { readonly: true });
    try {
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT subject, model, sum(requests) FROM enterprise_usage WHERE granularity = 'day' AND bucket_start >= 0 AND bucket_start < 9999999999999 GROUP BY subject, model",
        )
        .all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX enterprise_usage_/);
      expect(plan.map((p) => p.detail).join(' | ')).not.toMatch(/SCAN enterprise_usage(?! USING)/);
    } finally {
      db.close();
    }
  });

  it('exports CSV and JSON for billing, through the route and the CLI, with the same numbers', async () => {
    const query = 'from=2030-06-01&to=2030-07-01&group_by=key,model&format=';
    const csv = await request(`${server.url}/admin/usage/export?${query}csv`, { headers: server.auth });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = parseCsv(csv.text);
    expect(rows[0]).toEqual(['key', 'key_kind', 'model', 'requests', 'items', 'tokens', 'compute_ms', 'errors']);
    const json = (await request(`${server.url}/admin/usage/export?${query}json`, { headers: server.auth })).json;
    expect(json.rows.length).toBe(rows.length - 1);
    for (const row of json.rows)
      expect(rows).toContainEqual([
        row.key,
        row.keyKind,
        row.model,
        String(row.requests),
        String(row.items),
        String(row.tokens),
        String(row.computeMs),
        String(row.errors),
      ]);
    await new Promise((resolve) => setTimeout(resolve, 120)); // the flush interval: counters reach the file
    const cli = await run(
      process.execPath,
      [
        ...SOURCE_FLAGS,
        CORE_CLI,
        'usage',
        'export',
        '--data',
        server.dataDir,
        '--from',
        '2030-06-01',
        '--to',
        '2030-07-01',
        '--format',
        'json',
      ],
      { cwd: ROOT, env: { ...process.env, SLUICE_PLUGINS: '@sluice/enterprise' } },
    );
    expect(JSON.parse(cli.stdout).rows).toEqual(json.rows);
    const cliCsv = await run(
      process.execPath,
      [
        ...SOURCE_FLAGS,
        CORE_CLI,
        'usage',
        'export',
        '--data',
        server.dataDir,
        '--from',
        '2030-06-01',
        '--to',
        '2030-07-01',
        '--format',
        'csv',
      ],
      { cwd: ROOT, env: { ...process.env, SLUICE_PLUGINS: '@sluice/enterprise' } },
    );
    expect(parseCsv(cliCsv.stdout)).toEqual(rows);
  });

  it('enforces request quotas per key with 429 SLUICE_EE_ERR_QUOTA_EXCEEDED, resetting with the day', async () => {
    const capped = await createKey(server, 'capped');
    await createKey(server, 'free');
    const set = await request(`${server.url}/admin/quotas/${capped.id}`, {
      method: 'PUT',
      headers: server.auth,
      body: { requestsPerDay: 2 },
    });
    expect(set.status).toBe(200);
    expect(
      (await request(`${server.url}/admin/quotas/${capped.id}`, { method: 'PUT', headers: server.auth, body: { requestsPerYear: 2 } })).json
        .code,
    ).toBe('SLUICE_EE_ERR_BAD_REQUEST');
    expect((await infer(server, 'capped')).status).toBe(200);
    expect((await infer(server, 'capped')).status).toBe(200);
    const refused = await infer(server, 'capped');
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('SLUICE_EE_ERR_QUOTA_EXCEEDED');
    expect(refused.json.error).toMatch(/2 of 2 requests per day used; it resets at 2030-06-11T00:00:00.000Z/);
    expect(Number(refused.headers.get('retry-after'))).toBe((Date.parse('2030-06-11T00:00:00Z') - clock().getTime()) / 1000);
    expect((await infer(server, 'free')).status).toBe(200);
    const status = (await request(`${server.url}/admin/quotas/${capped.id}`, { headers: server.auth })).json;
    expect(status.usage).toMatchObject({ requestsDay: 2 });
    // Refused requests are not metered (they never reached a model).
    expect((await usage(`group_by=key&key=${capped.id}`)).rows[0].requests).toBe(2);
  });

  it('survives a restart (counters resume from metered usage) and resets on the next day', async () => {
    await server.close();
    server = await startEnterpriseServer({ plugin: plugin(), core: { data: server.dataDir } });
    expect((await infer(server, 'capped')).status).toBe(429);
    clock.set(new Date('2030-06-11T00:00:05Z'));
    expect((await infer(server, 'capped')).status).toBe(200);
  });

  it('enforces token quotas (the request that crosses the limit finishes, the next is refused)', async () => {
    const tokens = await createKey(server, 'tokens');
    expect(
      (await request(`${server.url}/admin/quotas/${tokens.id}`, { method: 'PUT', headers: server.auth, body: { tokensPerMonth: 1 } }))
        .status,
    ).toBe(200);
    expect((await infer(server, 'tokens')).status).toBe(200);
    const refused = await infer(server, 'tokens');
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/tokens per month/);
    expect(refused.json.error).toMatch(/resets at 2030-07-01T00:00:00.000Z/);
    expect((await request(`${server.url}/admin/quotas/${tokens.id}`, { method: 'DELETE', headers: server.auth })).status).toBe(200);
    expect((await infer(server, 'tokens')).status).toBe(200);
    expect((await request(`${server.url}/admin/quotas/${tokens.id}`, { method: 'DELETE', headers: server.auth })).json.code).toBe(
      'SLUICE_EE_ERR_QUOTA_NOT_FOUND',
    );
  });
});

describe('metering without a license', () => {
  it('records nothing and enforces nothing, and inference is unaffected', async () => {
    const server = await startEnterpriseServer({ plugin: { metering: { flushMs: 20 } } });
    try {
      for (let i = 0; i < 3; i++)
        expect(
          (await request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY })).status,
        ).toBe(200);
      server.app.sluiceEnterprise.metering.flush();
      const db = new Database(path.join(server.dataDir, 'sluice.db'), { readonly: true });
      try {
        expect((db.prepare('SELECT count(*) AS n FROM enterprise_usage').get() as { n: number }).n).toBe(0);
        expect((db.prepare('SELECT count(*) AS n FROM enterprise_audit_log').get() as { n: number }).n).toBe(0);
      } finally {
        db.close();
      }
    } finally {
      await server.close();
    }
  });
});
