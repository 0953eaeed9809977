/**
 * The SSO test stack: a real OpenID Provider (oidc-provider) and a real Sluice with the SSO plugin, wired to each
 * other over loopback HTTP, plus `login()`, which walks a test browser through the whole browser flow:
 * Sluice /auth/sso/login -> IdP authorize -> login form -> consent form -> Sluice callback -> landing page.
 */
import { expect } from 'vitest';
import type { SsoPluginOptions } from '../../packages/enterprise/src/sso/index.js';
import { TestBrowser } from './oidc-browser.js';
import { startTestIdp, type TestAccount, type TestIdp, type TestMachineClient } from './oidc-provider.js';
import { reservePort, startSsoSluice, type SsoTestServer } from './oidc-sluice-server.js';
import { copyDemoModels } from './test-server.js';

export const AUDIENCE = 'urn:sluice:api';
export const WEB_CLIENT = { clientId: 'sluice-web', clientSecret: 'web-client-secret-5c1d7e' };
export const ROLE_MAP = 'sluice-admins=admin,ml-ops=operator,data-science=user,analysts=viewer';

export const ACCOUNTS = {
  /** In two mapped groups: the most privileged (admin) wins. */
  alice: { id: 'alice', password: 'alice-pw', name: 'Alice Admin', email: 'alice@example.test', groups: ['data-science', 'sluice-admins'] },
  bob: { id: 'bob', password: 'bob-pw', name: 'Bob Viewer', email: 'bob@example.test', groups: ['analysts', 'unrelated'] },
  carol: { id: 'carol', password: 'carol-pw', name: 'Carol User', email: 'carol@example.test', groups: ['data-science'] },
  /** In no mapped group: no role, no session. */
  dave: { id: 'dave', password: 'dave-pw', name: 'Dave Nobody', email: 'dave@example.test', groups: ['marketing'] },
} satisfies Record<string, TestAccount>;

export const MACHINES = {
  pipeline: { clientId: 'ci-pipeline', clientSecret: 'ci-secret-91ab', groups: ['ml-ops'] },
  dashboard: { clientId: 'dashboard', clientSecret: 'dash-secret-77cd', groups: ['analysts'] },
  stranger: { clientId: 'stranger', clientSecret: 'stranger-secret-12ef', groups: ['marketing'] },
} satisfies Record<string, TestMachineClient>;

export interface SsoStack {
  idp: TestIdp;
  sluice: SsoTestServer;
  /** Sluice's base URL (http://127.0.0.1:<port>). */
  url: string;
  close(): Promise<void>;
}

export async function startSsoStack(sso: Partial<SsoPluginOptions> = {}, options: { entitled?: boolean } = {}): Promise<SsoStack> {
  const port = await reservePort();
  const url = `http://127.0.0.1:${port}`;
  const models = copyDemoModels(['sentiment']);
  const idp = await startTestIdp({
    accounts: Object.values(ACCOUNTS),
    web: { ...WEB_CLIENT, redirectUri: `${url}/auth/sso/callback`, postLogoutRedirectUri: `${url}/v2/health/live` },
    machines: Object.values(MACHINES),
    audience: AUDIENCE,
  });
  try {
    const sluice = await startSsoSluice({
      port,
      models: models.dir,
      entitled: options.entitled ?? true,
      sso: {
        issuer: idp.issuer,
        ...WEB_CLIENT,
        redirectUri: `${url}/auth/sso/callback`,
        postLogoutRedirectUri: `${url}/v2/health/live`,
        scopes: ['openid', 'profile', 'email', 'groups'],
        audience: AUDIENCE,
        roleMap: ROLE_MAP,
        ...sso,
      },
    });
    return {
      idp,
      sluice,
      url,
      async close() {
        await sluice.close();
        await idp.close();
        models.remove();
      },
    };
  } catch (error) {
    await idp.close();
    models.remove();
    throw error;
  }
}

export interface LoginOptions {
  returnTo?: string;
  /** Changes the authorization request on its way to the IdP (an attacker in the middle, a bad link). */
  tamper?: (authorizationUrl: URL) => URL;
  /** Stop when the IdP redirects to Sluice's callback, without visiting it. */
  stopAtCallback?: boolean;
}

/** Walks `browser` through a full login as `account`; returns the callback URL and where the browser landed. */
export async function login(stack: SsoStack, browser: TestBrowser, account: TestAccount, options: LoginOptions = {}) {
  const start = await browser.fetch(
    `${stack.url}/auth/sso/login${options.returnTo ? `?return_to=${encodeURIComponent(options.returnTo)}` : ''}`,
  );
  expect(start.status).toBe(302);
  let authorizationUrl = new URL(start.headers.get('location')!);
  expect(authorizationUrl.origin).toBe(stack.idp.issuer);
  if (options.tamper) authorizationUrl = options.tamper(authorizationUrl);
  const atCallback = (next: URL) => next.href.startsWith(`${stack.url}/auth/sso/callback`);
  let page = await browser.get(authorizationUrl, atCallback);
  // The IdP asks for credentials (unless its own session cookie already identifies the browser) ...
  if (!page.stoppedAt && page.url.pathname.startsWith('/interaction/')) {
    page = await browser.submitForm(page, { login: account.id, password: account.password }, atCallback);
  }
  // ... then for consent (once per account and client).
  if (!page.stoppedAt && page.url.pathname.startsWith('/interaction/')) page = await browser.submitForm(page, {}, atCallback);
  if (!page.stoppedAt) throw new Error(`the IdP did not redirect to the callback; ended at ${page.url.href} (${page.response.status})`);
  const callbackUrl = page.stoppedAt;
  if (options.stopAtCallback) return { authorizationUrl, callbackUrl, response: undefined, landedAt: undefined };
  const landed = await browser.get(callbackUrl);
  return { authorizationUrl, callbackUrl, response: landed.response, landedAt: landed.url };
}

/** The session token held by the browser's (HttpOnly) session cookie. */
export function sessionTokenOf(browser: TestBrowser): string {
  const cookie = browser.cookie('sluice_sso');
  if (!cookie) throw new Error('no session cookie');
  return cookie.value;
}

export const INFER_BODY = { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['what a wonderful day'] }] };
