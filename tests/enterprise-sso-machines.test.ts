/**
 * Single sign-on for machines: JWT access tokens issued by a real OpenID Provider (client_credentials) used as
 * `Authorization: Bearer` on the API. Signature via the IdP's JWKS, algorithm allow-list, issuer, audience and
 * expiry are checked; a key rotation at the IdP is picked up without a restart; roles come from the token's
 * groups; API keys are asked first and keep working.
 */
import { SignJWT, base64url, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSigningKey } from './helpers/oidc-provider.js';
import { eventually, reservePort } from './helpers/oidc-sluice-server.js';
import { AUDIENCE, INFER_BODY, MACHINES, startSsoStack, type SsoStack } from './helpers/oidc-stack.js';
import { postJson } from './helpers/test-server.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JWKS_COOLDOWN_MS = 200;

describe('SSO machine tokens (IdP-issued JWT access tokens)', () => {
  let stack: SsoStack;
  beforeAll(async () => {
    stack = await startSsoStack({ jwksCooldownMs: JWKS_COOLDOWN_MS });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** A token signed with the IdP's own current key, with chosen claims (to produce expired or misdirected tokens). */
  async function idpSigned(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
    const key = stack.idp.keys()[0]!;
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: stack.idp.issuer,
      aud: AUDIENCE,
      sub: 'forged-client',
      iat: now - 60,
      exp: now + 300,
      groups: ['ml-ops'],
      client_id: 'forged',
      ...claims,
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...header })
      .sign(await importJWK(key.privateJwk, 'RS256'));
  }

  it('accepts a token from the IdP and maps its groups to a role (ml-ops -> operator)', async () => {
    const token = await stack.idp.machineToken(MACHINES.pipeline.clientId);
    const inferred = await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(token));
    expect(inferred.status).toBe(200);
    const loaded = await postJson(`${stack.url}/v2/repository/models/sentiment/load`, {}, bearer(token));
    expect(loaded.status).toBe(200);
    // operator has no admin scope
    expect((await fetch(`${stack.url}/admin/keys`, { headers: bearer(token) })).status).toBe(403);
    const event = await eventually(() => stack.sluice.inference.find((e) => e.subject === MACHINES.pipeline.clientId));
    expect(event).toMatchObject({ principalKind: 'jwt', model: 'sentiment', status: 'success' });
  });

  it('enforces the role per token: a viewer machine may read but not load or infer', async () => {
    const token = await stack.idp.machineToken(MACHINES.dashboard.clientId);
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token))).status).toBe(200);
    const denied = await postJson(`${stack.url}/v2/repository/models/sentiment/load`, {}, bearer(token));
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ code: 'SLUICE_ERR_FORBIDDEN' });
    expect((await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(token))).status).toBe(403);
  });

  it('refuses a valid token whose groups map to no role', async () => {
    const token = await stack.idp.machineToken(MACHINES.stranger.clientId);
    const refused = await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token));
    expect(refused.status).toBe(401);
    expect(refused.json.error).toContain('maps to no Sluice role');
  });

  it('refuses expired, misdirected and wrongly signed tokens, and audits each refusal', async () => {
    const now = Math.floor(Date.now() / 1000);
    const otherKey = await newSigningKey(stack.idp.keys()[0]!.kid); // same kid, different key
    const strangerKey = await newSigningKey('not-published');
    const forge = async (key: typeof otherKey) =>
      new SignJWT({ groups: ['sluice-admins'] })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(stack.idp.issuer)
        .setAudience(AUDIENCE)
        .setSubject('attacker')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(await importJWK(key.privateJwk, 'RS256'));
    const unsignedHeader = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }));
    const unsignedPayload = base64url.encode(
      JSON.stringify({ iss: stack.idp.issuer, aud: AUDIENCE, sub: 'attacker', groups: ['sluice-admins'], exp: now + 300 }),
    );
    const hs256 = await new SignJWT({ groups: ['sluice-admins'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(stack.idp.issuer)
      .setAudience(AUDIENCE)
      .setSubject('attacker')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(MACHINES.pipeline.clientSecret.padEnd(32, '!')));

    const cases: [string, string, string][] = [
      ['expired', await idpSigned({ exp: now - 600, iat: now - 900 }), 'the token has expired'],
      ['not yet valid', await idpSigned({ nbf: now + 600 }), 'not valid yet'],
      ['another audience', await idpSigned({ aud: 'urn:other:api' }), 'not issued for this server'],
      ['signed by another key under the IdP kid', await forge(otherKey), 'signature is not valid'],
      ['signed by an unpublished key', await forge(strangerKey), 'does not publish'],
      ['alg none', `${unsignedHeader}.${unsignedPayload}.`, 'algorithm this server does not accept'],
      ['HS256 with a shared secret', hs256, 'algorithm this server does not accept'],
      ['an ID token (has a nonce)', await idpSigned({ nonce: 'n-123' }), 'ID token'],
    ];
    for (const [label, token, reason] of cases) {
      const response = await postJson(`${stack.url}/v2/models/sentiment/infer`, INFER_BODY, bearer(token));
      expect(response.status, label).toBe(401);
      expect(response.json.code, label).toBe('SLUICE_ERR_UNAUTHENTICATED');
      expect(response.json.error, label).toContain(reason);
    }
    // A token of another issuer is not SSO's to judge: core answers that no strategy accepts it.
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer('https://elsewhere.example')
      .setAudience(AUDIENCE)
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(await importJWK(strangerKey.privateJwk, 'RS256'));
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(foreign))).json.error).toContain(
      'not a credential this server accepts',
    );

    const rejections = await eventually(() => {
      const found = stack.sluice.audit.filter((e) => e.action === 'sso.token.rejected');
      return found.length >= cases.length ? found : undefined;
    });
    expect(rejections.some((e) => e.reason === 'the token has expired' && e.outcome === 'failure')).toBe(true);
    expect(JSON.stringify(stack.sluice.audit)).not.toContain(hs256);
  });

  it('picks up a key rotation at the IdP: new tokens validate, old ones while their key is still published', async () => {
    const before = await stack.idp.machineToken(MACHINES.pipeline.clientId);
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(before))).status).toBe(200);
    const jwksFetches = () => stack.idp.requests.filter((r) => r.path === '/jwks').length;
    const fetchesBefore = jwksFetches();

    const newKey = await stack.idp.rotateKeys();
    const after = await stack.idp.machineToken(MACHINES.pipeline.clientId);
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid).toBe(newKey.kid);
    await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 50));
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(after))).status).toBe(200);
    expect(jwksFetches()).toBeGreaterThan(fetchesBefore); // the unknown kid made Sluice refetch the JWKS
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(before))).status).toBe(200);

    // A second rotation that drops every old key: new tokens still validate.
    const third = await stack.idp.rotateKeys({ dropOld: true });
    const latest = await stack.idp.machineToken(MACHINES.pipeline.clientId);
    expect(JSON.parse(Buffer.from(latest.split('.')[0]!, 'base64url').toString()).kid).toBe(third.kid);
    await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 50));
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(latest))).status).toBe(200);
  });

  it('asks API keys first (break-glass) and stops accepting IdP tokens without the entitlement', async () => {
    const token = await stack.idp.machineToken(MACHINES.pipeline.clientId);
    stack.sluice.entitle(false);
    try {
      const refused = await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token));
      expect(refused.status).toBe(401);
      expect(refused.json.error).toContain('"sso" entitlement');
      expect((await postJson(`${stack.url}/v2/repository/index`, {}, stack.sluice.adminAuth)).status).toBe(200);
    } finally {
      stack.sluice.entitle(true);
    }
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token))).status).toBe(200);
  });
});

describe('SSO when the IdP cannot be reached', () => {
  it('keeps serving API keys; IdP tokens and logins fail clearly', async () => {
    const dead = `http://127.0.0.1:${await reservePort()}`; // nothing listens there
    const stack = await startSsoStack({ issuer: dead });
    try {
      const token = await stack.idp.machineToken(MACHINES.pipeline.clientId); // a real token, but of another issuer
      const forged = await new SignJWT({ groups: ['ml-ops'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .setIssuer(dead)
        .setAudience(AUDIENCE)
        .setSubject('svc')
        .setExpirationTime('5m')
        .sign(await importJWK((await newSigningKey('k')).privateJwk, 'RS256'));
      expect((await postJson(`${stack.url}/v2/repository/index`, {}, bearer(token))).status).toBe(401);
      const refused = await postJson(`${stack.url}/v2/repository/index`, {}, bearer(forged));
      expect(refused.status).toBe(401);
      expect(refused.json.error).toContain('could not be fetched');
      const login = await fetch(`${stack.url}/auth/sso/login`, { redirect: 'manual' });
      expect(login.status).toBe(502);
      expect(await login.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE' });
      expect((await postJson(`${stack.url}/v2/repository/index`, {}, stack.sluice.adminAuth)).status).toBe(200);
      expect(stack.sluice.logs.some((l) => String(l.msg).includes('identity provider not reachable yet'))).toBe(true);
    } finally {
      await stack.close();
    }
  });
});
