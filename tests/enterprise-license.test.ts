/**
 * Enterprise licenses: offline EdDSA verification refuses every forgery; states move with (fake) time and
 * switch features on and off without a restart; licenses are replaced through the route and the watched file;
 * without a license the plugin loads and its routes say which entitlement would unlock them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHmac, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSPKI, SignJWT } from 'jose';
import { loadTrustedKeys } from '../packages/enterprise/src/license/trusted-keys.js';
import { verifyLicense } from '../packages/enterprise/src/license/verify-license.js';
import { LICENSE_AUDIENCE, LICENSE_ISSUER } from '../packages/enterprise/src/license/claims.js';
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
import { until } from './helpers/until.js';

const T0 = new Date('2030-01-01T00:00:00Z');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('license verification refuses forgeries', () => {
  let vendor: TestVendor;
  let other: TestVendor;
  let keys: Awaited<ReturnType<typeof loadTrustedKeys>>;
  const terms = { expiresAt: new Date(T0.getTime() + 365 * DAY_MS), notBefore: T0, issuedAt: T0 };

  beforeAll(async () => {
    vendor = await createTestVendor();
    other = await createTestVendor();
    keys = await loadTrustedKeys([vendor.publicJwk]);
  });

  it('accepts a license from a trusted key, with its claims', async () => {
    const token = await vendor.issue({ ...terms, licensee: 'Acme', entitlements: ['audit'], limits: { seats: 5 }, licenseId: 'lic-1' });
    const result = await verifyLicense(token, keys, T0);
    expect(result).toMatchObject({
      ok: true,
      claims: { licensee: 'Acme', licenseId: 'lic-1', entitlements: ['audit'], limits: { seats: 5 } },
    });
  });

  it('refuses a license signed by another key, even one claiming a trusted kid', async () => {
    const token = await other.issue(terms);
    const untrusted = await verifyLicense(token, keys, T0);
    expect(untrusted).toMatchObject({ ok: false });
    expect((untrusted as { reason: string }).reason).toMatch(/does not trust/);
    const trustedKid = keys.find((k) => k.source === 'programmatic')!.kid;
    const impostor = await new SignJWT({ licensee: 'Evil', entitlements: ['audit'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: trustedKid })
      .setIssuer(LICENSE_ISSUER)
      .setAudience(LICENSE_AUDIENCE)
      .setJti('x')
      .setIssuedAt(T0)
      .setNotBefore(T0)
      .setExpirationTime(terms.expiresAt)
      .sign(other.privateKey);
    const refused = await verifyLicense(impostor, keys, T0);
    expect(refused).toMatchObject({ ok: false });
    expect((refused as { reason: string }).reason).toMatch(/signature does not verify/);
  });

  it('refuses alg "none"', async () => {
    const payload = {
      iss: LICENSE_ISSUER,
      aud: LICENSE_AUDIENCE,
      jti: 'n',
      licensee: 'Evil',
      entitlements: ['audit'],
      iat: T0.getTime() / 1000,
      nbf: T0.getTime() / 1000,
      exp: terms.expiresAt.getTime() / 1000,
    };
    for (const header of [
      { alg: 'none', typ: 'JWT' },
      { alg: 'none', kid: keys[keys.length - 1]!.kid },
    ]) {
      const result = await verifyLicense(`${b64(header)}.${b64(payload)}.`, keys, T0);
      expect(result.ok).toBe(false);
    }
  });

  it('refuses HS256 signed with the trusted public key as the HMAC secret', async () => {
    const payload = {
      iss: LICENSE_ISSUER,
      aud: LICENSE_AUDIENCE,
      jti: 'h',
      licensee: 'Evil',
      entitlements: ['audit'],
      iat: T0.getTime() / 1000,
      nbf: T0.getTime() / 1000,
      exp: terms.expiresAt.getTime() / 1000,
    };
    const pem = await exportSPKI(vendor.publicKey);
    const rawX = Buffer.from(vendor.publicJwk.x!, 'base64url');
    const jwkJson = JSON.stringify(vendor.publicJwk);
    for (const secret of [pem, rawX, jwkJson, createPublicKey(pem).export({ type: 'spki', format: 'der' })]) {
      const kid = keys.find((k) => k.source === 'programmatic')!.kid;
      const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid })}.${b64(payload)}`;
      const token = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
      const result = await verifyLicense(token, keys, T0);
      expect(result).toMatchObject({ ok: false });
      expect((result as { reason: string }).reason).toMatch(/EdDSA/);
    }
  });

  it('refuses a tampered payload (an entitlement added after signing)', async () => {
    const token = await vendor.issue({ ...terms, entitlements: ['audit'] });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.entitlements.push('metering');
    const tampered = `${header}.${b64(claims)}.${signature}`;
    expect(await verifyLicense(tampered, keys, T0)).toMatchObject({ ok: false });
    // The untouched token still verifies: the refusal is about the edit.
    expect(await verifyLicense(token, keys, T0)).toMatchObject({ ok: true });
  });

  it('refuses wrong issuer, wrong audience, not-yet-valid and malformed licenses with reasons', async () => {
    const wrongIss = await verifyLicense(await vendor.issue({ ...terms, issuer: 'https://evil.example' }), keys, T0);
    expect((wrongIss as { reason: string }).reason).toMatch(/not issued by/);
    const wrongAud = await verifyLicense(await vendor.issue({ ...terms, audience: 'some-other-product' }), keys, T0);
    expect((wrongAud as { reason: string }).reason).toMatch(/wrong audience/);
    const future = await verifyLicense(await vendor.issue({ ...terms, notBefore: new Date(T0.getTime() + 10 * DAY_MS) }), keys, T0);
    expect(future).toMatchObject({ ok: false });
    expect((future as { reason: string }).reason).toMatch(/not valid before 2030-01-11/);
    expect(await verifyLicense('not-a-jwt', keys, T0)).toMatchObject({ ok: false });
    expect(await verifyLicense('', keys, T0)).toMatchObject({ ok: false });
  });

  it('reports an authentic expired license as expired (for the grace period), not as valid', async () => {
    const token = await vendor.issue({ ...terms, expiresAt: new Date(T0.getTime() + DAY_MS) });
    const result = await verifyLicense(token, keys, new Date(T0.getTime() + 2 * DAY_MS));
    expect(result).toMatchObject({ ok: true });
    expect((result as { claims: { expiresAt: Date } }).claims.expiresAt.getTime()).toBe(T0.getTime() + DAY_MS);
  });

  it('never trusts a private key handed over as a trusted key, and ships only public keys', async () => {
    const shipped = await loadTrustedKeys();
    expect(shipped.length).toBeGreaterThan(0);
    expect(shipped.every((k) => k.source === 'package')).toBe(true);
    const { exportJWK } = await import('jose');
    await expect(loadTrustedKeys([await exportJWK(vendor.privateKey)])).rejects.toThrow(/public key/);
    // The shipped keys do not trust the test vendor.
    expect(await verifyLicense(await vendor.issue(terms), shipped, T0)).toMatchObject({ ok: false });
  });
});

describe('license states over time, on a running server', () => {
  let vendor: TestVendor;
  let server: EnterpriseTestServer;
  const clock = createTestClock(T0);
  let token: string;

  beforeAll(async () => {
    vendor = await createTestVendor();
    token = await vendor.issue({
      licensee: 'Acme',
      licenseId: 'lic-acme',
      notBefore: T0,
      issuedAt: T0,
      expiresAt: new Date(T0.getTime() + 60 * DAY_MS),
    });
    server = await startEnterpriseServer({ plugin: { trustedPublicKeys: [vendor.publicJwk], clock, license: { key: token } } });
  });
  afterAll(() => server?.close());

  const license = async () => (await request(`${server.url}/admin/license`, { headers: server.auth })).json;
  const metricState = async () =>
    /sluice_license_state\{state="([a-z-]+)"\} 1/.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1];
  const infer = () => request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY });

  it('valid -> expiring soon -> expired (grace) -> expired, with features on until the grace ends', async () => {
    let status = await license();
    expect(status).toMatchObject({
      state: 'valid',
      licensee: 'Acme',
      licenseId: 'lic-acme',
      entitlements: ['audit', 'metering'],
      source: 'env',
    });
    expect(JSON.stringify(status)).not.toContain(token.split('.')[2]);
    expect(await metricState()).toBe('valid');
    expect(server.app.sluice.extensions.entitlements.has('audit')).toBe(true);
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('enterprise');

    clock.set(new Date(T0.getTime() + 31 * DAY_MS));
    status = await license();
    expect(status.state).toBe('expiring-soon');
    expect(await metricState()).toBe('expiring-soon');
    expect(server.logs.some((l) => l.level === 40 && l.msg === 'license state: expiring-soon')).toBe(true);
    expect((await request(`${server.url}/admin/audit`, { headers: server.auth })).status).toBe(200);

    clock.set(new Date(T0.getTime() + 61 * DAY_MS));
    expect((await license()).state).toBe('expired-grace');
    expect(
      (await request(`${server.url}/admin/quotas/somebody`, { method: 'PUT', headers: server.auth, body: { requestsPerDay: 5 } })).status,
    ).toBe(200);

    clock.set(new Date(T0.getTime() + 75 * DAY_MS));
    status = await license();
    expect(status.state).toBe('expired');
    expect(status.features.every((f: { active: boolean }) => !f.active)).toBe(true);
    expect(server.app.sluice.extensions.entitlements.has('audit')).toBe(false);
    expect(server.logs.some((l) => l.level === 50 && l.msg === 'license state: expired')).toBe(true);
    // Enterprise features are off: quota changes need the entitlement again...
    const locked = await request(`${server.url}/admin/quotas/somebody`, {
      method: 'PUT',
      headers: server.auth,
      body: { requestsPerDay: 5 },
    });
    expect(locked.status).toBe(402);
    expect(locked.json.code).toBe('SLUICE_EE_ERR_LICENSE_REQUIRED');
    expect(locked.json.error).toMatch(/"metering" entitlement/);
    expect(locked.json.error).toMatch(/grace period ended/);
    // ...but recorded data stays readable and exportable, and inference never stops.
    const audit = await request(`${server.url}/admin/audit?action=license.state&order=asc`, { headers: server.auth });
    expect(audit.status).toBe(200);
    expect(audit.json.entries.map((e: any) => e.detail.to)).toEqual(['valid', 'expiring-soon', 'expired-grace', 'expired']);
    expect((await request(`${server.url}/admin/audit/export?format=csv`, { headers: server.auth })).status).toBe(200);
    expect((await infer()).status).toBe(200);
    // No new admin actions are recorded while unlicensed.
    const before = (await request(`${server.url}/admin/audit/verify`, { headers: server.auth })).json.headSeq;
    await request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name: 'while-expired', scopes: ['infer'] } });
    expect(server.app.sluiceEnterprise.audit.store.chain().headSeq).toBe(before);
  });

  it('a renewed license installed through the route takes effect at once, and the key is never echoed or logged', async () => {
    const renewal = await vendor.issue({
      licensee: 'Acme',
      licenseId: 'lic-acme-2031',
      notBefore: clock(),
      issuedAt: clock(),
      expiresAt: new Date(clock().getTime() + 365 * DAY_MS),
    });
    const installed = await request(`${server.url}/admin/license`, { method: 'PUT', headers: server.auth, body: { key: renewal } });
    expect(installed.status).toBe(200);
    expect(installed.json).toMatchObject({ state: 'valid', licenseId: 'lic-acme-2031', source: 'installed' });
    expect(installed.text).not.toContain(renewal);
    expect(
      (await request(`${server.url}/admin/quotas/somebody`, { method: 'PUT', headers: server.auth, body: { requestsPerDay: 5 } })).status,
    ).toBe(200);
    const entries = (await request(`${server.url}/admin/audit?action=license.install`, { headers: server.auth })).json.entries;
    expect(entries[0]).toMatchObject({
      outcome: 'success',
      actor: { kind: 'api-key', id: server.adminKeyId },
      resource: { type: 'license', id: 'lic-acme-2031' },
    });
    // A text/plain body works too; a forged key is refused with a reason and changes nothing.
    const forged = `${renewal.split('.')[0]}.${b64({ licensee: 'Evil' })}.${renewal.split('.')[2]}`;
    const refused = await request(`${server.url}/admin/license`, {
      method: 'PUT',
      headers: { ...server.auth, 'content-type': 'text/plain' },
      body: forged,
    });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('SLUICE_EE_ERR_LICENSE_INVALID');
    expect((await license()).licenseId).toBe('lic-acme-2031');
    const logText = JSON.stringify(server.logs);
    for (const secret of [token, renewal, forged]) expect(logText).not.toContain(secret.split('.')[2]);
  });

  it('the installed license survives a restart (it is stored in the data directory)', async () => {
    const again = await startEnterpriseServer({ core: { data: server.dataDir }, plugin: { trustedPublicKeys: [vendor.publicJwk], clock } });
    try {
      expect((await request(`${again.url}/admin/license`, { headers: again.auth })).json).toMatchObject({
        state: 'valid',
        licenseId: 'lic-acme-2031',
        source: 'installed',
      });
    } finally {
      await again.close();
    }
  });
});

describe('without a license', () => {
  let server: EnterpriseTestServer;
  beforeAll(async () => {
    server = await startEnterpriseServer();
  });
  afterAll(() => server?.close());

  it('loads, keeps core working, and answers enterprise routes with 402 naming the entitlement', async () => {
    expect(server.logs.some((l) => /enterprise plugin loaded: no license/.test(String(l.msg)))).toBe(true);
    const status = (await request(`${server.url}/admin/license`, { headers: server.auth })).json;
    expect(status).toMatchObject({ state: 'none', entitlements: [] });
    expect(status.features.map((f: any) => f.name)).toEqual(expect.arrayContaining(['audit', 'metering']));
    for (const [route, feature] of [
      ['/admin/audit', 'audit'],
      ['/admin/audit/verify', 'audit'],
      ['/admin/audit/export', 'audit'],
      ['/admin/usage', 'metering'],
      ['/admin/usage/export', 'metering'],
      ['/admin/quotas', 'metering'],
    ] as const) {
      const response = await request(`${server.url}${route}`, { headers: server.auth });
      expect(response.status, route).toBe(402);
      expect(response.json.code).toBe('SLUICE_EE_ERR_LICENSE_REQUIRED');
      expect(response.json.error).toContain(`"${feature}" entitlement`);
      expect(response.json.error).toContain('no license is installed');
    }
    // Auth still comes first: no key, 401.
    expect((await request(`${server.url}/admin/audit`)).status).toBe(401);
    expect(
      (await request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY })).status,
    ).toBe(200);
    expect(server.app.sluice.extensions.entitlements.plan()).toBe('community');
  });

  it('does not trust a license from a key that is not shipped (no runtime setting adds keys)', async () => {
    const stranger = await createTestVendor();
    const token = await stranger.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) });
    const refused = await request(`${server.url}/admin/license`, { method: 'PUT', headers: server.auth, body: { key: token } });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatch(/does not trust/);
  });
});

describe('license sources: the watched file and entitlement scope', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-ee-licfile-'));
  const file = path.join(dir, 'license.jwt');
  let vendor: TestVendor;
  let server: EnterpriseTestServer;

  beforeAll(async () => {
    vendor = await createTestVendor();
    writeFileSync(
      file,
      await vendor.issue({
        licensee: 'FileCo',
        licenseId: 'file-1',
        entitlements: ['audit'],
        expiresAt: new Date(Date.now() + 90 * DAY_MS),
      }),
    );
    server = await startEnterpriseServer({ plugin: { trustedPublicKeys: [vendor.publicJwk], license: { file }, licenseFilePollMs: 50 } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a license without an entitlement answers 403 naming it; replacing the file applies without a restart', async () => {
    expect((await request(`${server.url}/admin/license`, { headers: server.auth })).json).toMatchObject({
      state: 'valid',
      licensee: 'FileCo',
      source: 'file',
    });
    const notEntitled = await request(`${server.url}/admin/usage`, { headers: server.auth });
    expect(notEntitled.status).toBe(403);
    expect(notEntitled.json.code).toBe('SLUICE_EE_ERR_NOT_ENTITLED');
    expect(notEntitled.json.error).toMatch(/"metering" entitlement.*includes: audit/);

    writeFileSync(
      file,
      await vendor.issue({
        licensee: 'FileCo',
        licenseId: 'file-2',
        entitlements: ['audit', 'metering'],
        expiresAt: new Date(Date.now() + 400 * DAY_MS),
      }),
    );
    await until(async () =>
      (await request(`${server.url}/admin/license`, { headers: server.auth })).json.licenseId === 'file-2' ? true : undefined,
    );
    expect((await request(`${server.url}/admin/usage`, { headers: server.auth })).status).toBe(200);

    // A broken file is reported, but the server keeps... the best license it can verify: none here, so invalid.
    writeFileSync(file, 'garbage');
    const status = await until(async () => {
      const s = (await request(`${server.url}/admin/license`, { headers: server.auth })).json;
      return s.state === 'invalid' ? s : undefined;
    });
    expect(status.reason).toMatch(/not a JWT/);
  });
});
