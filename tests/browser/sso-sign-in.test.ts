/**
 * Single sign-on in a real browser against a real OpenID Provider (oidc-provider on loopback, see
 * tests/helpers/oidc-stack.ts): the console's "Sign in with SSO" goes to the IdP's login and consent pages and
 * comes back into the console with the role the person's groups map to. A viewer is not offered key creation,
 * and the API refuses it when the page tries anyway.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, startSsoStack, type SsoStack } from '../helpers/oidc-stack.js';
import type { TestAccount } from '../helpers/oidc-provider.js';
import { launchChromium } from './helpers/chromium.js';
import { consoleNavigation, openTab, type ConsoleTab } from './helpers/console-page.js';

let stack: SsoStack;
let browser: Browser;
const tabs: ConsoleTab[] = [];

beforeAll(async () => {
  stack = await startSsoStack();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const tab of tabs) await tab.close();
  await browser?.close();
  await stack?.close();
});

/** Opens the console in a fresh browser context and signs in through the IdP's own forms as `account`. */
async function signInWithSso(account: TestAccount): Promise<ConsoleTab> {
  const tab = await openTab(browser);
  tabs.push(tab);
  const { page } = tab;
  await page.goto(`${stack.url}/console/`);
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  // The IdP's login page, on its own origin.
  await page.waitForURL((url) => url.origin === stack.idp.issuer);
  await page.locator('input[name="login"]').fill(account.id);
  await page.locator('input[name="password"]').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Consent, once per account and client.
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL((url) => url.origin === stack.url && url.pathname.startsWith('/console'));
  await consoleNavigation(page).waitFor();
  return tab;
}

describe('SSO sign-in in the browser', () => {
  it('an admin lands in the console as admin and is offered key management', async () => {
    const { page } = await signInWithSso(ACCOUNTS.alice);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await expect.poll(() => page.getByTestId('session-name').textContent()).toBe('Alice Admin · admin');
    expect(await consoleNavigation(page).getByRole('link', { name: 'API keys' }).count()).toBe(1);
  });

  it('a viewer lands as viewer, is not offered key creation, and the API refuses it', async () => {
    const { page, context } = await signInWithSso(ACCOUNTS.bob);
    await expect.poll(() => page.getByTestId('session-name').textContent()).toBe('Bob Viewer · viewer');
    const session = await page.evaluate(
      async () => (await fetch('/auth/session')).json() as Promise<{ role?: string; name?: string; scopes: string[] }>,
    );
    expect(session).toMatchObject({ role: 'viewer', name: 'Bob Viewer' });
    expect(session.scopes).not.toContain('admin');
    // The session cookie the console runs on is HttpOnly.
    expect((await context.cookies(stack.url)).filter((c) => c.name.startsWith('sluice')).every((c) => c.httpOnly)).toBe(true);
    // No way to keys in the navigation, and the page, if opened by its URL, offers no form.
    expect(await consoleNavigation(page).getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await page.goto(`${stack.url}/console/keys`);
    await consoleNavigation(page).waitFor();
    expect(await page.getByRole('button', { name: /^Create/ }).count()).toBe(0);
    // The API refuses key creation to this session, as the console's own fetch would send it.
    const refused = await page.evaluate(async () => {
      const response = await fetch('/admin/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'viewer-attempt', scopes: ['infer'] }),
      });
      return { status: response.status, body: await response.text() };
    });
    expect(refused.status, refused.body).toBe(403);
    // And no key was made.
    const keys = await fetch(`${stack.url}/admin/keys`, { headers: stack.sluice.adminAuth }).then(
      (r) => r.json() as Promise<{ keys: { name: string }[] }>,
    );
    expect(keys.keys.map((k) => k.name)).not.toContain('viewer-attempt');
  });

  it('without the sso entitlement, "Sign in with SSO" comes back to the sign-in page with what to do, not a 402 document', async () => {
    stack.sluice.entitle(false);
    try {
      const tab = await openTab(browser);
      tabs.push(tab);
      const { page } = tab;
      await page.goto(`${stack.url}/console/`);
      await page.getByRole('link', { name: 'Sign in with SSO' }).click();
      await expect.poll(() => page.getByTestId('signin-notice').textContent()).toContain('start the trial on the License page');
      // The error code was read once and dropped from the address bar.
      expect(new URL(page.url()).search).toBe('');
      // A link crafted with another code cannot choose the words: the page falls back to its own.
      await page.goto(`${stack.url}/console/?signin_error=SLUICE_EE_ERR_MADE_UP`);
      await expect
        .poll(() => page.getByTestId('signin-notice').textContent())
        .toBe('The sign-in did not complete (SLUICE_EE_ERR_MADE_UP). Sign in with an API key, or ask your administrator.');
    } finally {
      stack.sluice.entitle(true);
    }
  });
});
