/**
 * The self-serve enterprise trial on real servers: POST /admin/license/trial unlocks every entitlement for 30
 * days, once per data directory (a restart keeps it used, a fresh data directory has its own); at its end it
 * follows an expired license (grace, then off) while recorded data stays readable and exportable; its start
 * and end are audited (the end once, across restarts); a real license replaces it without a migration and
 * the trial returns when that license is removed; every 402 names the trial and the licensing docs;
 * `sluice license trial|status` do the same offline on a data directory, and a running server picks it up.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, SOURCE_FLAGS } from './helpers/cli-process.js';
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

const T0 = new Date('2030-03-01T00:00:00Z');
const TRIAL_END = new Date(T0.getTime() + 30 * DAY_MS);
const GRACE_END = new Date(TRIAL_END.getTime() + 14 * DAY_MS);

const license = async (server: EnterpriseTestServer) => (await request(`${server.url}/admin/license`, { headers: server.auth })).json;
const startTrial = (server: EnterpriseTestServer, body?: unknown) =>
  request(`${server.url}/admin/license/trial`, { method: 'POST', headers: server.auth, ...(body !== undefined ? { body } : {}) });
const auditEntries = async (server: EnterpriseTestServer, action: string) =>
  (await request(`${server.url}/admin/audit?action=${action}&order=asc&limit=1000`, { headers: server.auth })).json.entries as any[];
const metrics = async (server: EnterpriseTestServer) => (await fetch(`${server.url}/metrics`)).text();
const putQuota = (server: EnterpriseTestServer) =>
  request(`${server.url}/admin/quotas/somebody`, { method: 'PUT', headers: server.auth, body: { requestsPerDay: 50 } });

/** What every 402 must say: the trial (all three ways to start it) and where licensing is documented. */
function expectNamesTheTrial(message: string): void {
  expect(message).toContain('30-day trial');
  expect(message).toContain('POST /admin/license/trial');
  expect(message).toContain('`sluice license trial`');
  expect(message).toContain("console's License page");
  expect(message).toContain('packages/enterprise/README.md#licensing');
}

describe('the licensing docs the messages point at', () => {
  it('packages/enterprise/README.md has the #licensing section, and it says the trial is per data directory', () => {
    const readme = readFileSync(path.join(ROOT, 'packages', 'enterprise', 'README.md'), 'utf8');
    expect(readme.split('\n')).toContain('## Licensing');
    expect(readme).toMatch(/once per data directory/);
  });
});

describe('a trial from start to end, on one data directory', () => {
  const clock = createTestClock(T0);
  let server: EnterpriseTestServer;
  const plugin = { clock, metering: { flushMs: 20 } };

  beforeAll(async () => {
    server = await startEnterpriseServer({ plugin, keepData: true });
  });
  afterAll(() => server?.close());

  it('without a license: state none, the trial available, and the 402s name it', async () => {
    const status = await license(server);
    expect(status).toMatchObject({ state: 'none', entitlements: [], trial: { available: true, lengthDays: 30 } });
    expect(status.trial.startedAt).toBeUndefined();
    expect(status.source).toBeUndefined();
    for (const route of ['/admin/audit', '/admin/usage', '/admin/quotas']) {
      const locked = await request(`${server.url}${route}`, { headers: server.auth });
      expect(locked.status, route).toBe(402);
      expect(locked.json.code).toBe('SLUICE_EE_ERR_LICENSE_REQUIRED');
      expectNamesTheTrial(locked.json.error);
    }
    const sso = await request(`${server.url}/auth/sso/me`);
    expect(sso.status).toBe(402);
    expectNamesTheTrial(sso.json.error);
    expect(await metrics(server)).toMatch(/^sluice_license_trial_available 1$/m);
    const started = server.logs.find((l) => /enterprise plugin loaded: no license/.test(String(l.msg)));
    expect(String(started?.msg)).toContain('POST /admin/license/trial');
  });

  it('POST /admin/license/trial: 201 with the status; every enterprise feature on, state trial, source trial', async () => {
    const started = await startTrial(server);
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({
      state: 'trial',
      source: 'trial',
      entitlements: ['audit', 'metering', 'sso'],
      expiresAt: TRIAL_END.toISOString(),
      graceEndsAt: GRACE_END.toISOString(),
      daysUntilExpiry: 30,
      trial: {
        available: false,
        lengthDays: 30,
        startedAt: T0.toISOString(),
        endsAt: TRIAL_END.toISOString(),
        graceEndsAt: GRACE_END.toISOString(),
        daysLeft: 30,
      },
    });
    expect(started.json.trial.unavailableReason).toMatch(/once per data directory/);
    expect(started.json.features.every((f: { active: boolean }) => f.active)).toBe(true);
    expect(started.json.licensee).toBeUndefined();
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('enterprise-trial');

    // Unlocked at once: audit, metering, quotas, SSO (not configured here: no longer a 402).
    expect((await request(`${server.url}/admin/audit`, { headers: server.auth })).status).toBe(200);
    expect((await putQuota(server)).status).toBe(200);
    expect((await request(`${server.url}/admin/usage`, { headers: server.auth })).status).toBe(200);
    const sso = await request(`${server.url}/auth/sso/me`);
    expect(sso.json.code).toBe('SLUICE_EE_ERR_SSO_NOT_CONFIGURED');

    // The start is the log's first entry: intent (before anything changed), the state change, the outcome.
    const log = (await request(`${server.url}/admin/audit?order=asc`, { headers: server.auth })).json.entries;
    expect(log.slice(0, 3).map((e: any) => [e.action, e.outcome])).toEqual([
      ['license.trial.start', 'requested'],
      ['license.state', 'success'],
      ['license.trial.start', 'success'],
    ]);
    expect(log[0]).toMatchObject({ seq: 1, actor: { kind: 'api-key', id: server.adminKeyId }, resource: { type: 'license', id: 'trial' } });
    expect(log[1].detail).toMatchObject({ from: 'none', to: 'trial', cause: 'trial started', source: 'trial' });
    expect(log[2].detail).toMatchObject({ startedAt: T0.toISOString(), endsAt: TRIAL_END.toISOString(), state: 'trial' });

    const text = await metrics(server);
    expect(text).toMatch(/^sluice_license_state\{state="trial"\} 1$/m);
    expect(text).toMatch(/^sluice_license_state\{state="none"\} 0$/m);
    expect(text).toMatch(/^sluice_license_trial_available 0$/m);
    expect(text).toContain(`sluice_license_trial_end_timestamp_seconds ${TRIAL_END.getTime() / 1000}`);
    expect(text).toContain(`sluice_license_expiry_timestamp_seconds ${TRIAL_END.getTime() / 1000}`);
    expect(text).toMatch(/^sluice_license_feature_active\{feature="sso"\} 1$/m);
  });

  it('records usage during the trial (metering is on)', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY })).status,
      ).toBe(200);
    const rows = (await request(`${server.url}/admin/usage?group_by=none`, { headers: server.auth })).json.rows;
    expect(rows[0]).toMatchObject({ requests: 3 });
  });

  it('a second start is 409 SLUICE_EE_ERR_TRIAL_USED naming when it started; the refusal is audited', async () => {
    for (const body of [undefined, {}]) {
      const again = await startTrial(server, body);
      expect(again.status).toBe(409);
      expect(again.json.code).toBe('SLUICE_EE_ERR_TRIAL_USED');
      expect(again.json.error).toContain(`started on ${T0.toISOString()}`);
      expect(again.json.error).toContain('once per data directory');
      expect(again.json.error).toContain('packages/enterprise/README.md#licensing');
    }
    const refusals = (await auditEntries(server, 'license.trial.start')).filter((e) => e.outcome === 'failure');
    expect(refusals).toHaveLength(2);
    expect(refusals[0].reason).toMatch(/already used/);
    expect((await license(server)).trial.startedAt).toBe(T0.toISOString());
  });

  it('warns in its last week, then at its end: expired-grace (features still on), license.trial.end audited once', async () => {
    clock.set(new Date(TRIAL_END.getTime() - 5 * DAY_MS));
    await server.app.sluiceEnterprise.license.refresh();
    expect(
      server.logs.some((l) => l.level === 40 && String(l.msg).startsWith(`the enterprise trial ends on ${TRIAL_END.toISOString()}`)),
    ).toBe(true);
    expect(await auditEntries(server, 'license.trial.end')).toHaveLength(0);

    clock.set(new Date(TRIAL_END.getTime() + DAY_MS));
    await server.app.sluiceEnterprise.license.refresh(); // the periodic tick, now
    const status = await license(server);
    expect(status).toMatchObject({
      state: 'expired-grace',
      source: 'trial',
      expiresAt: TRIAL_END.toISOString(),
      daysUntilExpiry: -1,
      trial: { available: false, daysLeft: 0 },
    });
    expect((await putQuota(server)).status).toBe(200);
    expect(await metrics(server)).toMatch(/^sluice_license_state\{state="expired-grace"\} 1$/m);
    await license(server);
    await server.app.sluiceEnterprise.license.refresh();
    const ends = await auditEntries(server, 'license.trial.end');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({
      outcome: 'success',
      actor: { kind: 'system' },
      detail: { startedAt: T0.toISOString(), endsAt: TRIAL_END.toISOString(), inForce: true },
    });
    expect(server.logs.some((l) => l.level === 40 && l.msg === 'license state: expired-grace')).toBe(true);
  });

  it('after the grace period: expired, features off with a 402 naming the used trial; the data stays readable and exportable', async () => {
    clock.set(new Date(GRACE_END.getTime() + DAY_MS));
    const status = await license(server);
    expect(status).toMatchObject({ state: 'expired', source: 'trial', trial: { available: false } });
    expect(status.features.every((f: { active: boolean }) => !f.active)).toBe(true);
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('community');

    const locked = await putQuota(server);
    expect(locked.status).toBe(402);
    expect(locked.json.code).toBe('SLUICE_EE_ERR_LICENSE_REQUIRED');
    expect(locked.json.error).toContain(
      `the free trial expired on ${TRIAL_END.toISOString()} and its grace period ended on ${GRACE_END.toISOString()}`,
    );
    expect(locked.json.error).toMatch(/already used here/);
    expectNamesTheTrial(locked.json.error);
    const sso = await request(`${server.url}/auth/sso/me`);
    expect(sso.status).toBe(402);

    // Recorded during the trial, readable after it: audit query, export, verify; usage.
    expect((await auditEntries(server, 'license.state')).map((e) => e.detail.to)).toEqual(['trial', 'expired-grace', 'expired']);
    const csv = await request(`${server.url}/admin/audit/export?format=csv`, { headers: server.auth });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('license.trial.start');
    expect((await request(`${server.url}/admin/audit/verify`, { headers: server.auth })).json).toMatchObject({ ok: true });
    const usage = await request(`${server.url}/admin/usage?group_by=none&from=2030-02-01&to=2030-04-01`, { headers: server.auth });
    expect(usage.status).toBe(200);
    expect(usage.json.rows[0]).toMatchObject({ requests: 3 });
    expect(
      (await request(`${server.url}/admin/usage/export?format=csv&from=2030-02-01&to=2030-04-01`, { headers: server.auth })).status,
    ).toBe(200);
    // Inference never stops.
    expect(
      (await request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY })).status,
    ).toBe(200);
    expect(await metrics(server)).toMatch(/^sluice_license_state\{state="expired"\} 1$/m);
  });

  it('a restart on the same data directory: still used (409), the end not recorded twice; a fresh data directory has its own trial', async () => {
    await server.close();
    server = await startEnterpriseServer({ core: { data: server.dataDir }, plugin });
    const status = await license(server);
    expect(status).toMatchObject({ state: 'expired', source: 'trial', trial: { available: false, startedAt: T0.toISOString() } });
    const again = await startTrial(server);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('SLUICE_EE_ERR_TRIAL_USED');
    expect(await auditEntries(server, 'license.trial.end')).toHaveLength(1);

    const fresh = await startEnterpriseServer({ plugin: { clock } });
    try {
      expect((await license(fresh)).trial.available).toBe(true);
      const started = await startTrial(fresh);
      expect(started.status).toBe(201);
      expect(started.json.trial.startedAt).toBe(clock().toISOString());
    } finally {
      await fresh.close();
    }
  });
});

describe('a real license during and after the trial', () => {
  const clock = createTestClock(T0);
  let vendor: TestVendor;
  let server: EnterpriseTestServer;

  beforeAll(async () => {
    vendor = await createTestVendor();
    server = await startEnterpriseServer({ plugin: { clock, trustedPublicKeys: [vendor.publicJwk] } });
  });
  afterAll(() => server?.close());

  it('installing one replaces the trial at once, keeps the data and the chain, and removing it falls back to the trial', async () => {
    expect((await startTrial(server)).status).toBe(201);
    await request(`${server.url}/admin/keys`, {
      method: 'POST',
      headers: server.auth,
      body: { name: 'made-during-trial', scopes: ['infer'] },
    });
    const duringTrial = (await request(`${server.url}/admin/audit/verify`, { headers: server.auth })).json;
    expect(duringTrial.ok).toBe(true);

    clock.advance(10 * DAY_MS);
    const key = await vendor.issue({
      licensee: 'Acme',
      licenseId: 'lic-after-trial',
      entitlements: ['audit'],
      notBefore: clock(),
      issuedAt: clock(),
      expiresAt: new Date(clock().getTime() + 365 * DAY_MS),
    });
    const installed = await request(`${server.url}/admin/license`, { method: 'PUT', headers: server.auth, body: { key } });
    expect(installed.status).toBe(200);
    expect(installed.json).toMatchObject({
      state: 'valid',
      source: 'installed',
      licensee: 'Acme',
      entitlements: ['audit'],
      trial: { available: false, startedAt: T0.toISOString() },
    });
    // The license wins even where the trial granted more: metering is not in it.
    const notEntitled = await putQuota(server);
    expect(notEntitled.status).toBe(403);
    expect(notEntitled.json.code).toBe('SLUICE_EE_ERR_NOT_ENTITLED');
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('enterprise');

    // The same log goes on: entries from the trial are there and the chain verifies past them.
    expect((await auditEntries(server, 'key.create')).map((e) => e.outcome)).toEqual(['requested', 'success']);
    const after = (await request(`${server.url}/admin/audit/verify`, { headers: server.auth })).json;
    expect(after).toMatchObject({ ok: true });
    expect(after.headSeq).toBeGreaterThan(duringTrial.headSeq);
    expect((await auditEntries(server, 'license.state')).map((e) => e.detail.to)).toEqual(['trial', 'valid']);

    // No second trial beside or after a license: the trial of this directory was used.
    expect((await startTrial(server)).json.code).toBe('SLUICE_EE_ERR_TRIAL_USED');

    const removed = await request(`${server.url}/admin/license`, { method: 'DELETE', headers: server.auth });
    expect(removed.json).toMatchObject({ state: 'trial', source: 'trial', entitlements: ['audit', 'metering', 'sso'] });
    expect((await putQuota(server)).status).toBe(200);
  });

  it('the trial ends under an installed license: recorded, but the license stays in force', async () => {
    const key = await vendor.issue({
      licensee: 'Acme',
      licenseId: 'lic-2',
      entitlements: ['audit', 'metering'],
      notBefore: clock(),
      issuedAt: clock(),
      expiresAt: new Date(clock().getTime() + 365 * DAY_MS),
    });
    expect((await request(`${server.url}/admin/license`, { method: 'PUT', headers: server.auth, body: { key } })).status).toBe(200);
    clock.set(new Date(GRACE_END.getTime() + DAY_MS));
    await server.app.sluiceEnterprise.license.refresh();
    expect(await license(server)).toMatchObject({ state: 'valid', source: 'installed', licenseId: 'lic-2' });
    const ends = await auditEntries(server, 'license.trial.end');
    expect(ends).toHaveLength(1);
    expect(ends[0].detail.inForce).toBe(false);
    // Removing the license now leaves the ended trial: expired, features off.
    const removed = await request(`${server.url}/admin/license`, { method: 'DELETE', headers: server.auth });
    expect(removed.json).toMatchObject({ state: 'expired', source: 'trial' });
    expect((await putQuota(server)).status).toBe(402);
  });
});

describe('a trial is refused while a license is in force', () => {
  let vendor: TestVendor;
  let server: EnterpriseTestServer;
  const clock = createTestClock(T0);

  beforeAll(async () => {
    vendor = await createTestVendor();
    const key = await vendor.issue({
      licensee: 'Acme',
      licenseId: 'lic-env',
      notBefore: T0,
      issuedAt: T0,
      expiresAt: new Date(T0.getTime() + 60 * DAY_MS),
    });
    server = await startEnterpriseServer({ plugin: { clock, trustedPublicKeys: [vendor.publicJwk], license: { key } } });
  });
  afterAll(() => server?.close());

  it('409 SLUICE_EE_ERR_LICENSE_ACTIVE, nothing recorded as started; available again once the license has expired', async () => {
    const status = await license(server);
    expect(status.trial).toMatchObject({ available: false });
    expect(status.trial.unavailableReason).toMatch(/license is in force/);
    const refused = await startTrial(server);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('SLUICE_EE_ERR_LICENSE_ACTIVE');
    expect(refused.json.error).toContain('lic-env');
    expect((await license(server)).trial.startedAt).toBeUndefined();

    // In the license's grace period the trial may start, and wins over the expired license.
    clock.set(new Date(T0.getTime() + 61 * DAY_MS));
    expect((await license(server)).trial.available).toBe(true);
    const started = await startTrial(server);
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({ state: 'trial', source: 'trial' });
    expect(started.json.problems[0]).toMatch(/^env: the license expired on/);
  });
});

describe('a trial whose start cannot be recorded does not start', () => {
  let server: EnterpriseTestServer;
  beforeAll(async () => {
    server = await startEnterpriseServer();
  });
  afterAll(() => server?.close());

  it('503 SLUICE_ERR_AUDIT_UNAVAILABLE and no trial while the audit log refuses writes; then it starts', async () => {
    const sqlite = server.app.sluice.database.sqlite;
    sqlite.exec(
      "CREATE TRIGGER refuse_audit BEFORE INSERT ON enterprise_audit_log BEGIN SELECT RAISE(ABORT, 'audit log refuses writes'); END",
    );
    const refused = await startTrial(server);
    expect(refused.status).toBe(503);
    expect(refused.json.code).toBe('SLUICE_ERR_AUDIT_UNAVAILABLE');
    expect(await license(server)).toMatchObject({ state: 'none', trial: { available: true } });
    sqlite.exec('DROP TRIGGER refuse_audit');
    expect((await startTrial(server)).status).toBe(201);
  });
});

/** `sluice ...` with the enterprise plugin's verbs, run to its end (the sources through tsx, as `npm start` does). */
function sluice(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...SOURCE_FLAGS, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_PLUGINS: '@sluice/enterprise', SLUICE_DATA: '', SLUICE_LICENSE_KEY: '', SLUICE_LICENSE_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('sluice license trial|status on a data directory (a server running on it)', () => {
  let server: EnterpriseTestServer;

  beforeAll(async () => {
    server = await startEnterpriseServer();
  });
  afterAll(() => server?.close());

  it('starts the trial offline once; the running server picks it up; both starts are audited with the CLI as actor', async () => {
    const before = await sluice(['license', 'status', '--data', server.dataDir, '--json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ state: 'none', trial: { available: true, lengthDays: 30 } });

    const started = await sluice(['license', 'trial', '--data', server.dataDir]);
    expect({ code: started.code, stderr: started.stderr }).toEqual({ code: 0, stderr: '' });
    expect(started.stdout).toMatch(/^trial started: every enterprise feature until \d{4}-/);
    expect(started.stdout).toContain('license state: trial (source: trial)');

    // No restart: the server reads the trial at its next check (GET /admin/license checks at once).
    const status = await license(server);
    expect(status).toMatchObject({ state: 'trial', source: 'trial', trial: { available: false } });
    expect((await request(`${server.url}/admin/audit`, { headers: server.auth })).status).toBe(200);

    const again = await sluice(['license', 'trial', '--data', server.dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/already used: it started on .* once per data directory/);

    const text = await sluice(['license', 'status', '--data', server.dataDir]);
    expect(text.stdout).toContain('license state: trial (source: trial)');
    expect(text.stdout).toMatch(/trial: used \(started /);
    expect(text.stdout).toContain('packages/enterprise/README.md#licensing');

    const starts = await auditEntries(server, 'license.trial.start');
    expect(starts.map((e) => e.outcome)).toEqual(['requested', 'success', 'requested', 'failure']);
    expect(starts[0].actor.kind).toBe('cli');
    expect(starts[0].actor.name).toBeTruthy();
    const verify = await sluice(['audit', 'verify', '--data', server.dataDir]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/audit log intact/);
  });

  it('--help prints the usage and exits 0', async () => {
    const cases = [
      ['license', '--help'],
      ['license', 'trial', '--help'],
      ['license', 'status', '--help'],
    ];
    const outcomes = await Promise.all(cases.map((args) => sluice(args)));
    for (const [i, args] of cases.entries()) {
      const outcome = outcomes[i]!;
      expect({ args, code: outcome.code, stderr: outcome.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(outcome.stdout).toContain('Usage:');
      expect(outcome.stdout).toContain(`sluice license ${args[1] === 'status' ? 'status' : 'trial'} [--data DIR]`);
    }
  });
});
