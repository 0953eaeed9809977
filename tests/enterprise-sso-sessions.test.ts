/**
 * SSO session lifetimes against a real OpenID Provider: a session ends after its idle timeout, and at its absolute
 * lifetime however busy it is; an ended session is refused on the API and by /auth/sso/me, and its cookie cleared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from './helpers/oidc-browser.js';
import { ACCOUNTS, login, sessionTokenOf, startSsoStack, type SsoStack } from './helpers/oidc-stack.js';
import { postJson } from './helpers/test-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SSO session expiry', () => {
  let stack: SsoStack;
  beforeAll(async () => {
    stack = await startSsoStack({ sessionTtlSeconds: 3, sessionIdleSeconds: 1 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.carol);
    const token = sessionTokenOf(browser);
    expect((await browser.fetch(`${stack.url}/auth/sso/me`)).status).toBe(200);
    await sleep(1300);
    const me = await browser.fetch(`${stack.url}/auth/sso/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ code: 'SLUICE_EE_ERR_SSO_SESSION_EXPIRED', error: expect.stringContaining('idle') });
    expect(browser.cookie('sluice_sso')).toBeUndefined(); // cleared by the refusal
    expect((await postJson(`${stack.url}/v2/repository/index`, {}, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('ends a busy session at its absolute lifetime', async () => {
    const browser = new TestBrowser();
    await login(stack, browser, ACCOUNTS.carol);
    const token = sessionTokenOf(browser);
    const started = Date.now();
    let last = 200;
    let reason = '';
    while (Date.now() - started < 5000) {
      const response = await postJson(`${stack.url}/v2/repository/index`, {}, { authorization: `Bearer ${token}` });
      last = response.status;
      if (last !== 200) {
        reason = response.json.error;
        break;
      }
      await sleep(300); // well inside the idle timeout: activity keeps the session alive ...
    }
    // ... until the absolute lifetime (3 s) ends it.
    expect(last).toBe(401);
    expect(reason).toContain('maximum lifetime');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
  });
});
