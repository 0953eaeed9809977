/**
 * SSO configuration is validated once at start with messages naming the key (environment variable or option) and
 * never echoing a secret; the role mapping follows its rules (highest privilege wins, any claim path).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../packages/core/src/app.js';
import {
  decideRole,
  parseRoleMap,
  resolveSsoConfig,
  SSO_ENV,
  SSO_ERROR_CATALOGUE,
  ssoPlugin,
} from '../packages/enterprise/src/sso/index.js';
import { EnterpriseError } from '../packages/enterprise/src/errors.js';
import { copyDemoModels } from './helpers/test-server.js';

const SECRET = 'super-secret-value-4f9a';
const VALID = {
  SLUICE_SSO_ISSUER: 'https://idp.example.com/realms/main',
  SLUICE_SSO_CLIENT_ID: 'sluice',
  SLUICE_SSO_CLIENT_SECRET: SECRET,
  SLUICE_SSO_REDIRECT_URI: 'https://sluice.example.com/auth/sso/callback',
  SLUICE_SSO_AUDIENCE: 'urn:sluice:api',
  SLUICE_SSO_ROLE_MAP: 'sluice-admins=admin,ml-ops=operator,*=viewer',
};

function configError(env: Record<string, string | undefined>): Error {
  try {
    resolveSsoConfig({ env });
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a configuration error');
}

describe('SSO configuration', () => {
  it('is off when nothing is set, and resolves a full environment', () => {
    expect(resolveSsoConfig({ env: {} })).toBeUndefined();
    const config = resolveSsoConfig({ env: VALID })!;
    expect(config.login).toMatchObject({ clientId: 'sluice', scopes: ['openid', 'profile', 'email'], postLoginPath: '/console/' });
    expect(config.machine).toEqual({ audience: ['urn:sluice:api'] });
    expect(config.roleClaim).toBe('groups');
    expect(config.session).toEqual({ ttlMs: 12 * 3600_000, idleMs: 3600_000 });
    expect(config.algorithms).not.toContain('HS256');
    // Options win over the environment.
    expect(resolveSsoConfig({ env: VALID, roleClaim: 'realm_access.roles', sessionTtlSeconds: 60 })).toMatchObject({
      roleClaim: 'realm_access.roles',
      session: { ttlMs: 60_000 },
    });
    expect(resolveSsoConfig({ env: { ...VALID, SLUICE_SSO_SESSION_TTL: '8h', SLUICE_SSO_SESSION_IDLE: '15m' } })!.session).toEqual({
      ttlMs: 8 * 3600_000,
      idleMs: 15 * 60_000,
    });
  });

  it('reads the client secret from a file (container secrets)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sso-secret-'));
    try {
      writeFileSync(path.join(dir, 'secret'), `${SECRET}\n`);
      const config = resolveSsoConfig({
        env: { ...VALID, SLUICE_SSO_CLIENT_SECRET: undefined, SLUICE_SSO_CLIENT_SECRET_FILE: path.join(dir, 'secret') },
      })!;
      expect(config.login!.clientSecret).toBe(SECRET);
      expect(
        configError({ ...VALID, SLUICE_SSO_CLIENT_SECRET: undefined, SLUICE_SSO_CLIENT_SECRET_FILE: path.join(dir, 'missing') }).message,
      ).toContain('SLUICE_SSO_CLIENT_SECRET_FILE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['settings without an issuer', { ...VALID, SLUICE_SSO_ISSUER: undefined }, 'SLUICE_SSO_ISSUER'],
    ['an issuer that is not a URL', { ...VALID, SLUICE_SSO_ISSUER: 'idp.example.com' }, 'SLUICE_SSO_ISSUER'],
    ['a plain-http issuer off loopback', { ...VALID, SLUICE_SSO_ISSUER: 'http://idp.example.com' }, 'SLUICE_SSO_ISSUER'],
    ['a client id without its secret', { ...VALID, SLUICE_SSO_CLIENT_SECRET: undefined }, 'SLUICE_SSO_CLIENT_SECRET'],
    ['a client id without a redirect URI', { ...VALID, SLUICE_SSO_REDIRECT_URI: undefined }, 'SLUICE_SSO_REDIRECT_URI'],
    [
      'a redirect URI elsewhere than the callback',
      { ...VALID, SLUICE_SSO_REDIRECT_URI: 'https://sluice.example.com/callback' },
      'SLUICE_SSO_REDIRECT_URI',
    ],
    ['no role map', { ...VALID, SLUICE_SSO_ROLE_MAP: undefined }, 'SLUICE_SSO_ROLE_MAP'],
    ['an unknown role', { ...VALID, SLUICE_SSO_ROLE_MAP: 'ops=superuser' }, 'SLUICE_SSO_ROLE_MAP'],
    ['a malformed rule', { ...VALID, SLUICE_SSO_ROLE_MAP: 'admins' }, 'SLUICE_SSO_ROLE_MAP'],
    ['a symmetric algorithm', { ...VALID, SLUICE_SSO_ALGORITHMS: 'RS256,HS256' }, 'SLUICE_SSO_ALGORITHMS'],
    ['a bad duration', { ...VALID, SLUICE_SSO_SESSION_TTL: 'forever' }, 'SLUICE_SSO_SESSION_TTL'],
    [
      'an issuer with neither login nor audience',
      { SLUICE_SSO_ISSUER: VALID.SLUICE_SSO_ISSUER, SLUICE_SSO_ROLE_MAP: VALID.SLUICE_SSO_ROLE_MAP },
      'SLUICE_SSO_CLIENT_ID',
    ],
  ])('refuses %s, naming the key and never the secret', (_label, env, key) => {
    const error = configError(env);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).not.toContain(SECRET);
  });

  it('names the option when the value came from plugin options', () => {
    expect(() => resolveSsoConfig({ env: VALID, issuer: 'ftp://idp.example.com' })).toThrow(/"issuer"/);
    expect(() => resolveSsoConfig({ env: VALID, roleMap: { admins: 'root' as never } })).toThrow(/"roleMap"/);
  });
});

describe('role mapping', () => {
  const rules = parseRoleMap('sluice-admins=admin, ml-ops=operator, data-science=user, analysts=viewer');

  it('grants the most privileged role any claim value maps to, with its fixed scopes', () => {
    expect(decideRole({ groups: ['analysts', 'sluice-admins'] }, 'groups', rules)).toMatchObject({ role: 'admin', scopes: ['admin'] });
    expect(decideRole({ groups: ['analysts', 'ml-ops'] }, 'groups', rules)).toMatchObject({
      role: 'operator',
      scopes: ['models:read', 'models:write', 'infer', 'metrics:read'],
    });
    expect(decideRole({ groups: ['data-science'] }, 'groups', rules)).toMatchObject({ role: 'user', scopes: ['infer', 'models:read'] });
    expect(decideRole({ groups: 'analysts' }, 'groups', rules)).toMatchObject({ role: 'viewer', scopes: ['models:read'] });
    expect(decideRole({ groups: ['marketing'] }, 'groups', rules)).toMatchObject({ role: undefined, scopes: [] });
    expect(decideRole({}, 'groups', rules).role).toBeUndefined();
  });

  it('reads nested claim paths and namespaced claim names, and honours the * rule', () => {
    expect(decideRole({ realm_access: { roles: ['ml-ops'] } }, 'realm_access.roles', rules).role).toBe('operator');
    expect(decideRole({ 'https://example.com/groups': ['sluice-admins'] }, 'https://example.com/groups', rules).role).toBe('admin');
    const withDefault = parseRoleMap('sluice-admins=admin,*=viewer');
    expect(decideRole({}, 'groups', withDefault).role).toBe('viewer');
    expect(decideRole({ groups: ['sluice-admins'] }, 'groups', withDefault).role).toBe('admin');
  });
});

describe('the SSO plugin at start-up', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-sso-config-'));
  afterAll(() => {
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it('fails start-up on a bad setting, naming it', async () => {
    const app = await buildApp({ models: models.dir, data, workers: 1, logLevel: 'silent' });
    try {
      await expect(app.register(ssoPlugin, { env: { ...VALID, SLUICE_SSO_ROLE_MAP: 'x=god' } }).ready()).rejects.toThrow(
        /SLUICE_SSO_ROLE_MAP/,
      );
    } finally {
      await app.close().catch(() => undefined);
    }
  });

  it('answers SLUICE_EE_ERR_SSO_NOT_CONFIGURED when SSO is entitled but not configured', async () => {
    const app = await buildApp({ models: models.dir, data, workers: 1, logLevel: 'silent' });
    try {
      app.sluice.extensions.entitlements.provide({ plan: 'enterprise', has: () => true });
      await app.register(ssoPlugin, { env: {} });
      const response = await app.inject({ method: 'GET', url: '/auth/sso/login' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        code: 'SLUICE_EE_ERR_SSO_NOT_CONFIGURED',
        error: expect.stringContaining('SLUICE_SSO_ISSUER'),
      });
    } finally {
      await app.close();
    }
  });
});

describe('the SSO plugin without the entitlement', () => {
  const models = copyDemoModels(['sentiment']);
  const data = mkdtempSync(path.join(tmpdir(), 'sluice-sso-locked-'));
  afterAll(() => {
    models.remove();
    rmSync(data, { recursive: true, force: true });
  });

  it("answers with the enterprise plugin's license-gate error when it provides one", async () => {
    const app = await buildApp({ models: models.dir, data, workers: 1, logLevel: 'silent' });
    try {
      await app.register(ssoPlugin, {
        env: { ...VALID, SLUICE_SSO_ISSUER: 'http://127.0.0.1:9' },
        lockedError: () =>
          new EnterpriseError('SLUICE_EE_ERR_LICENSE_REQUIRED', 'this route needs the "sso" entitlement: the license expired'),
      });
      const response = await app.inject({ method: 'GET', url: '/auth/sso/me' });
      expect(response.statusCode).toBe(402);
      expect(response.json()).toEqual({
        code: 'SLUICE_EE_ERR_LICENSE_REQUIRED',
        error: 'this route needs the "sso" entitlement: the license expired',
      });
    } finally {
      await app.close();
    }
  });
});

describe('SSO documentation', () => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', 'packages', 'enterprise', 'src', 'sso', 'README.md'), 'utf8');
  const rows = readme.split('\n');

  it.each(Object.entries(SSO_ERROR_CATALOGUE))('documents %s with its status', (code, { status }) => {
    expect(code).toMatch(/^SLUICE_EE_ERR_SSO_[A-Z_]+$/);
    const row = rows.find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `no row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it.each(Object.values(SSO_ENV))('documents %s', (name) => {
    expect(rows.some((line) => line.startsWith(`| \`${name}\` |`))).toBe(true);
  });
});
