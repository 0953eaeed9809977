/**
 * SSO configuration: plugin options win over environment variables (SLUICE_SSO_*). Validated once at start:
 * a bad value fails start-up with a ConfigError naming the key it came from. Nothing set at all means SSO is
 * off (the routes then answer SLUICE_EE_ERR_SSO_NOT_CONFIGURED). Secrets are never part of an error or a log.
 *
 * Two independent halves share the issuer and the role mapping:
 * - people (browser login): client id + client secret + redirect URI, all three or none;
 * - machines (IdP-issued JWT access tokens as bearer tokens): the audience the tokens must carry.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '@sluice/core';
import type { EnterpriseError } from '../errors.js';
import { parseRoleMap, ROLES, isRole, type Role, type RoleRule } from './roles.js';

/** Signature algorithms a machine token may use. Symmetric (HS*) and `none` are never accepted. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const CALLBACK_PATH = '/auth/sso/callback';

export interface SsoOptions {
  /** The IdP's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). https, or http on loopback only. */
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  /** The absolute URL the IdP sends browsers back to; its path ends with /auth/sso/callback. */
  redirectUri?: string;
  /** Where the IdP sends the browser after RP-initiated logout (must be registered at the IdP). */
  postLogoutRedirectUri?: string;
  /** The path a browser lands on after logging in when the login named no `return_to` (default /console/, the web console). */
  postLoginPath?: string;
  /** Scopes asked for at login (default openid profile email); `openid` is always included. */
  scopes?: string[];
  /** The audience (one of) machine tokens must carry; without it machine tokens are not accepted. */
  audience?: string | string[];
  /** The claim holding group names or roles: a name or a dotted path (default `groups`). */
  roleClaim?: string;
  /** Claim value -> role, e.g. "sluice-admins=admin,ml-ops=operator,*=viewer" or { 'sluice-admins': 'admin' }. */
  roleMap?: string | Record<string, Role>;
  /** Absolute session lifetime in seconds (default 12 h). */
  sessionTtlSeconds?: number;
  /** A session unused for this many seconds ends (default 1 h). */
  sessionIdleSeconds?: number;
  /** Machine-token signature algorithms accepted (default: every asymmetric JOSE algorithm). */
  algorithms?: string[];
  /** Leeway for exp/nbf/iat checks, in seconds (default 30). */
  clockToleranceSeconds?: number;
  /** The shortest interval between two JWKS fetches caused by unknown key ids (default 30 000 ms). */
  jwksCooldownMs?: number;
  /** How long fetched JWKS keys are trusted without a refetch (default 10 min). */
  jwksCacheMaxAgeMs?: number;
  /** Proxy addresses whose X-Forwarded-Proto is believed when deciding the cookie's Secure flag. */
  trustedProxies?: string[];
  /** Timeout for calls to the IdP (default 10 000 ms). */
  httpTimeoutMs?: number;
}

export interface SsoPluginOptions extends SsoOptions {
  /** Where SLUICE_SSO_* are read from (default process.env). */
  env?: Record<string, string | undefined>;
  /**
   * The refusal for SSO routes while the `sso` entitlement is missing (the enterprise plugin passes its license
   * gate's error, which says why: no license, expired, or a license without sso). Default: 402 / 403 from the plan.
   */
  lockedError?: () => EnterpriseError;
}

export interface SsoConfig {
  issuer: string;
  /** Plain-HTTP issuer on a loopback address (development, tests): allowed, and only there. */
  insecureIssuer: boolean;
  login?: {
    clientId: string;
    clientSecret: string;
    redirectUri: URL;
    postLogoutRedirectUri?: string;
    postLoginPath: string;
    scopes: string[];
  };
  machine?: { audience: string[] };
  roleClaim: string;
  roleRules: RoleRule[];
  session: { ttlMs: number; idleMs: number };
  algorithms: string[];
  clockToleranceSeconds: number;
  jwksCooldownMs: number;
  jwksCacheMaxAgeMs: number;
  trustedProxies: ReadonlySet<string>;
  httpTimeoutMs: number;
}

/** Every environment variable read, documented in README.md. */
export const SSO_ENV = {
  issuer: 'SLUICE_SSO_ISSUER',
  clientId: 'SLUICE_SSO_CLIENT_ID',
  clientSecret: 'SLUICE_SSO_CLIENT_SECRET',
  clientSecretFile: 'SLUICE_SSO_CLIENT_SECRET_FILE',
  redirectUri: 'SLUICE_SSO_REDIRECT_URI',
  postLogoutRedirectUri: 'SLUICE_SSO_POST_LOGOUT_REDIRECT_URI',
  postLoginPath: 'SLUICE_SSO_POST_LOGIN_PATH',
  scopes: 'SLUICE_SSO_SCOPES',
  audience: 'SLUICE_SSO_AUDIENCE',
  roleClaim: 'SLUICE_SSO_ROLE_CLAIM',
  roleMap: 'SLUICE_SSO_ROLE_MAP',
  sessionTtlSeconds: 'SLUICE_SSO_SESSION_TTL',
  sessionIdleSeconds: 'SLUICE_SSO_SESSION_IDLE',
  algorithms: 'SLUICE_SSO_ALGORITHMS',
  clockToleranceSeconds: 'SLUICE_SSO_CLOCK_TOLERANCE',
  trustedProxies: 'SLUICE_SSO_TRUSTED_PROXIES',
} as const;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const DURATION = /^(\d+)\s*(s|m|h|d)?$/;
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

interface Source {
  value: unknown;
  /** The option name or the environment variable the value came from (named in errors). */
  key: string;
}

/** Resolves and validates the SSO configuration; undefined when SSO is not configured at all. */
export function resolveSsoConfig(options: SsoPluginOptions = {}): SsoConfig | undefined {
  const env = options.env ?? process.env;
  const pick = (name: keyof typeof SSO_ENV & keyof SsoOptions): Source | undefined => {
    if (options[name] !== undefined) return { value: options[name], key: name };
    const text = env[SSO_ENV[name]];
    if (text !== undefined && text.trim() !== '') return { value: text.trim(), key: SSO_ENV[name] };
    return undefined;
  };
  const fail = (source: Source | { key: string }, message: string): never => {
    throw new ConfigError(source.key, message);
  };

  const issuerSource = pick('issuer');
  const clientSecret = pickSecret(options, env);
  const anySet =
    (Object.keys(SSO_ENV) as (keyof typeof SSO_ENV)[]).some(
      (name) => name !== 'clientSecretFile' && pick(name as keyof SsoOptions & keyof typeof SSO_ENV) !== undefined,
    ) || clientSecret !== undefined;
  if (!issuerSource) {
    if (anySet)
      fail(
        { key: SSO_ENV.issuer },
        "single sign-on settings are present but the issuer is not set: set it to the identity provider's issuer URL",
      );
    return undefined;
  }

  const issuerUrl = url(issuerSource, fail);
  if (issuerUrl.search || issuerUrl.hash) fail(issuerSource, 'the issuer URL must not have a query or fragment');
  const insecureIssuer = issuerUrl.protocol === 'http:';
  if (insecureIssuer && !isLoopbackHost(issuerUrl.hostname))
    fail(issuerSource, 'the issuer must use https (plain http is allowed only on a loopback address)');
  const issuer = String(issuerSource.value);

  // People: all three or none.
  const clientId = pick('clientId');
  const redirect = pick('redirectUri');
  const loginParts = { [SSO_ENV.clientId]: clientId, [SSO_ENV.clientSecret]: clientSecret, [SSO_ENV.redirectUri]: redirect };
  const present = Object.entries(loginParts).filter(([, v]) => v !== undefined);
  let login: SsoConfig['login'];
  if (present.length > 0) {
    const missing = Object.entries(loginParts).find(([, v]) => v === undefined);
    if (missing) fail({ key: missing[0] }, `browser login needs ${Object.keys(loginParts).join(', ')} together; this one is missing`);
    const redirectUri = url(redirect!, fail);
    if (!redirectUri.pathname.endsWith(CALLBACK_PATH))
      fail(redirect!, `the redirect URI's path must end with ${CALLBACK_PATH} (e.g. https://sluice.example.com${CALLBACK_PATH})`);
    if (redirectUri.search || redirectUri.hash) fail(redirect!, 'the redirect URI must not have a query or fragment');
    const postLogout = pick('postLogoutRedirectUri');
    if (postLogout) url(postLogout, fail);
    const postLoginPath = pick('postLoginPath');
    if (postLoginPath && !isLocalPath(String(postLoginPath.value))) fail(postLoginPath, 'must be a path on this server, like /console/');
    const scopesSource = pick('scopes');
    const scopes = scopesSource ? list(scopesSource, fail, /[\s,]+/) : ['openid', 'profile', 'email'];
    if (!scopes.includes('openid')) scopes.unshift('openid');
    login = {
      clientId: nonEmpty(clientId!, fail),
      clientSecret: nonEmpty(clientSecret!, fail),
      redirectUri,
      ...(postLogout ? { postLogoutRedirectUri: String(postLogout.value) } : {}),
      postLoginPath: postLoginPath ? String(postLoginPath.value) : '/console/',
      scopes,
    };
  }

  const audienceSource = pick('audience');
  const machine = audienceSource ? { audience: list(audienceSource, fail, /\s*,\s*/) } : undefined;
  if (!login && !machine)
    fail(
      { key: SSO_ENV.clientId },
      `the issuer is set but neither browser login (${SSO_ENV.clientId}, ${SSO_ENV.clientSecret}, ${SSO_ENV.redirectUri}) nor machine tokens (${SSO_ENV.audience}) are configured`,
    );

  const roleClaimSource = pick('roleClaim');
  const roleClaim = roleClaimSource ? nonEmpty(roleClaimSource, fail) : 'groups';
  const roleMapSource = pick('roleMap');
  if (!roleMapSource)
    fail(
      { key: SSO_ENV.roleMap },
      'map identity-provider groups to Sluice roles, e.g. "sluice-admins=admin,ml-ops=operator,*=viewer" (roles: ' + ROLES.join(', ') + ')',
    );
  const roleRules = roleRulesOf(roleMapSource!, fail);

  const ttl = seconds(pick('sessionTtlSeconds'), 12 * 3600, fail);
  const idle = seconds(pick('sessionIdleSeconds'), 3600, fail);
  const algorithmsSource = pick('algorithms');
  const algorithms = algorithmsSource ? list(algorithmsSource, fail, /[\s,]+/) : [...ASYMMETRIC_ALGORITHMS];
  for (const algorithm of algorithms) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      fail(
        algorithmsSource!,
        `"${algorithm}" is not accepted: use asymmetric algorithms only (${ASYMMETRIC_ALGORITHMS.join(', ')}); a token signed with a shared secret or unsigned could be forged`,
      );
    }
  }
  const tolerance = seconds(pick('clockToleranceSeconds'), 30, fail, true);
  const proxiesSource = pick('trustedProxies');
  const trustedProxies = new Set(proxiesSource ? list(proxiesSource, fail, /[\s,]+/).map(normaliseAddress) : []);

  return {
    issuer,
    insecureIssuer,
    ...(login ? { login } : {}),
    ...(machine ? { machine } : {}),
    roleClaim,
    roleRules,
    session: { ttlMs: ttl * 1000, idleMs: Math.min(idle, ttl) * 1000 },
    algorithms,
    clockToleranceSeconds: tolerance,
    jwksCooldownMs: milliseconds(options.jwksCooldownMs, 'jwksCooldownMs', 30_000),
    jwksCacheMaxAgeMs: milliseconds(options.jwksCacheMaxAgeMs, 'jwksCacheMaxAgeMs', 600_000),
    trustedProxies,
    httpTimeoutMs: milliseconds(options.httpTimeoutMs, 'httpTimeoutMs', 10_000),
  };
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are the same peer. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** A path on this server (no scheme, no host, no `//` or `/\` that browsers treat as another host). */
export function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') && !/[\u0000-\u001f\\]/.test(value); // eslint-disable-line no-control-regex -- control characters are what it refuses
}

function pickSecret(options: SsoPluginOptions, env: Record<string, string | undefined>): Source | undefined {
  if (options.clientSecret !== undefined) return { value: options.clientSecret, key: 'clientSecret' };
  const direct = env[SSO_ENV.clientSecret];
  if (direct !== undefined && direct !== '') return { value: direct, key: SSO_ENV.clientSecret };
  const file = env[SSO_ENV.clientSecretFile];
  if (file === undefined || file.trim() === '') return undefined;
  try {
    return { value: readFileSync(file.trim(), 'utf8').trim(), key: SSO_ENV.clientSecretFile };
  } catch (error) {
    throw new ConfigError(
      SSO_ENV.clientSecretFile,
      `cannot read the client secret file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function url(source: Source, fail: (s: Source, m: string) => never): URL {
  if (typeof source.value !== 'string') return fail(source, 'must be a URL string');
  let parsed: URL;
  try {
    parsed = new URL(source.value);
  } catch {
    return fail(source, `"${source.value}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') fail(source, 'must be an http(s) URL');
  if (parsed.username || parsed.password) fail(source, 'must not carry credentials');
  return parsed;
}

function nonEmpty(source: Source, fail: (s: Source, m: string) => never): string {
  if (typeof source.value !== 'string' || source.value.trim() === '') return fail(source, 'must be a non-empty string');
  return source.value;
}

function list(source: Source, fail: (s: Source, m: string) => never, separator: RegExp): string[] {
  const items = Array.isArray(source.value)
    ? source.value
    : typeof source.value === 'string'
      ? source.value.split(separator)
      : fail(source, 'must be a list of strings');
  const values = items
    .map((item) => (typeof item === 'string' ? item.trim() : fail(source, 'must be a list of strings')))
    .filter((item) => item !== '');
  if (values.length === 0) fail(source, 'must not be empty');
  return values;
}

function roleRulesOf(source: Source, fail: (s: Source, m: string) => never): RoleRule[] {
  const { value } = source;
  if (typeof value === 'string') {
    try {
      return parseRoleMap(value);
    } catch (error) {
      return fail(source, (error as Error).message);
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(source, 'must be "value=role,..." or an object { value: role }');
  const rules = Object.entries(value as Record<string, unknown>).map(([match, role]) => {
    if (typeof role !== 'string' || !isRole(role))
      return fail(source, `"${String(role)}" for "${match}" is not a role (one of ${ROLES.join(', ')})`);
    return { match, role };
  });
  if (rules.length === 0) fail(source, 'must map at least one value to a role');
  return rules;
}

function seconds(source: Source | undefined, fallback: number, fail: (s: Source, m: string) => never, allowZero = false): number {
  if (!source) return fallback;
  let value: number;
  if (typeof source.value === 'number') value = source.value;
  else {
    const match = DURATION.exec(String(source.value).trim());
    if (!match) return fail(source, `"${String(source.value)}" is not a duration: seconds, or a number with s, m, h or d (e.g. 12h)`);
    value = Number(match[1]) * DURATION_UNITS[match[2] ?? 's']!;
  }
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) fail(source, 'must be a positive duration');
  return value;
}

function milliseconds(value: number | undefined, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(key, 'must be a non-negative number of milliseconds');
  return value;
}
