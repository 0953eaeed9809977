/**
 * API keys in the console: create one (its token is shown once), copy it with the copy button, use it from the
 * test with fetch, revoke it in the console, and see the server refuse it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '../helpers/test-server.js';
import { launchChromium } from './helpers/chromium.js';
import { goToPage, openTab, signInWithKey, type ConsoleTab } from './helpers/console-page.js';
import { startConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { saveScreenshot } from './helpers/screenshots.js';

const TOKEN = /^sk_sluice_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
const KEY_NAME = 'browser-test-key';
const INFER_BODY = { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this'] }] };

let server: ConsoleServer;
let browser: Browser;
let tab: ConsoleTab;
let token: string;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchChromium();
  // The copy button writes to the clipboard; the test reads it back.
  tab = await openTab(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  await signInWithKey(tab.page, server);
});

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

describe('API keys', () => {
  it('creating a key shows its token once, and the copy button puts exactly that token on the clipboard', async () => {
    const { page } = tab;
    await goToPage(page, 'API keys');
    await page.getByLabel('Name').fill(KEY_NAME);
    await page.getByRole('button', { name: /^Create/ }).click();
    const shown = (await page.getByTestId('key-token').textContent())?.trim() ?? '';
    expect(shown).toMatch(TOKEN);
    await page.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => page.getByTestId('key-token-copy').textContent()).toContain('Copied');
    token = await page.evaluate(() => (globalThis as any).navigator.clipboard.readText() as Promise<string>);
    expect(token).toBe(shown);
    // The new key is listed as active, with the scope the form gave it.
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await expect.poll(() => row.textContent()).toMatch(/active.*infer/);
    // Dismissed, the token is gone from the page for good.
    await page.getByRole('button', { name: /hide the token/ }).click();
    expect(await page.content()).not.toContain(token);
    await saveScreenshot(page, 'api-keys');
  });

  it('the copied token works from outside the browser', async () => {
    const answer = await postJson(`${server.url}/v2/models/sentiment/infer`, INFER_BODY, { authorization: `Bearer ${token}` });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.outputs[0].data).toEqual(['positive']);
  });

  it('revoking it in the console (with a confirmation) makes the server refuse it', async () => {
    const { page } = tab;
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await row.getByRole('button', { name: `Revoke ${KEY_NAME}` }).click();
    // Nothing happens before the confirmation.
    expect((await postJson(`${server.url}/v2/models/sentiment/infer`, INFER_BODY, { authorization: `Bearer ${token}` })).status).toBe(200);
    await row.getByRole('button', { name: `Confirm revoke ${KEY_NAME}` }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    const refused = await postJson(`${server.url}/v2/models/sentiment/infer`, INFER_BODY, { authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    // The admin session that revoked it still works.
    expect(await page.evaluate(async () => (await fetch('/auth/session')).status)).toBe(200);
  });
});
