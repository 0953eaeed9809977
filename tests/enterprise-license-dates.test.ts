/**
 * A validly signed license whose date claims no Date can hold (exp 1e300 and friends) is refused cleanly: 422
 * SLUICE_EE_ERR_LICENSE_INVALID on install, state "invalid" from the environment, and /admin/license keeps
 * answering 200 (before the bound it was stored, then every status read threw: 500 forever).
 */
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_AUDIENCE, LICENSE_ISSUER } from '../packages/enterprise/src/license/claims.js';
import {
  createTestVendor,
  request,
  startEnterpriseServer,
  type EnterpriseTestServer,
  type TestVendor,
} from './helpers/enterprise-server.js';

const NOW = Math.floor(Date.now() / 1000);

async function signed(vendor: TestVendor, times: { iat?: number; nbf?: number; exp?: number }): Promise<string> {
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: vendor.publicJwk.x! });
  return new SignJWT({
    licensee: 'Far Future Inc',
    entitlements: ['audit'],
    iat: times.iat ?? NOW,
    nbf: times.nbf ?? NOW,
    exp: times.exp ?? NOW + 86_400,
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
    .setIssuer(LICENSE_ISSUER)
    .setAudience(LICENSE_AUDIENCE)
    .setJti('absurd-dates')
    .setSubject('Far Future Inc')
    .sign(vendor.privateKey);
}

describe('license date claims are bounded', () => {
  let vendor: TestVendor;
  let server: EnterpriseTestServer;
  beforeAll(async () => {
    vendor = await createTestVendor();
    server = await startEnterpriseServer({ plugin: { trustedPublicKeys: [vendor.publicJwk] } });
  });
  afterAll(() => server?.close());

  it('refuses absurd exp, nbf and iat on install with a 422 and a code, and stays healthy', async () => {
    for (const times of [{ exp: 1e300 }, { exp: 253_402_300_800 }, { iat: 1e300 }, { nbf: -1e300 }]) {
      const put = await request(`${server.url}/admin/license`, {
        method: 'PUT',
        headers: server.auth,
        body: { key: await signed(vendor, times) },
      });
      expect(put.status, JSON.stringify(times)).toBe(422);
      expect(put.json.code).toBe('SLUICE_EE_ERR_LICENSE_INVALID');
      expect(put.json.error).toMatch(/between 1970 and 9999/);
      const status = await request(`${server.url}/admin/license`, { headers: server.auth });
      expect(status.status).toBe(200);
      expect(status.json.state).toBe('none');
    }
    // The last second of year 9999 is still a valid expiry.
    const far = await request(`${server.url}/admin/license`, {
      method: 'PUT',
      headers: server.auth,
      body: { key: await signed(vendor, { exp: 253_402_300_799 }) },
    });
    expect(far.status).toBe(200);
    expect(far.json).toMatchObject({ state: 'valid', expiresAt: '9999-12-31T23:59:59.000Z' });
  });

  it('an absurd license from the environment leaves the state "invalid", never a 500', async () => {
    const envServer = await startEnterpriseServer({
      plugin: { trustedPublicKeys: [vendor.publicJwk], license: { key: await signed(vendor, { exp: 1e300 }) } },
    });
    try {
      const status = await request(`${envServer.url}/admin/license`, { headers: envServer.auth });
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ state: 'invalid' });
      expect((await request(`${envServer.url}/metrics`, { headers: envServer.auth })).status).toBe(200);
    } finally {
      await envServer.close();
    }
  });
});
