/**
 * A person opens the server's address, lands on the console's sign-in page, signs in with an API key (which
 * becomes an HttpOnly session cookie), sees the demo models and, after some traffic, live charts with data on
 * the Overview; then signs out.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countColouredPixels } from './helpers/chart-pixels.js';
import { launchChromium } from './helpers/chromium.js';
import { consoleNavigation, openTab, signInWithKey, unexpectedErrors, type ConsoleTab } from './helpers/console-page.js';
import { startConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { saveScreenshot } from './helpers/screenshots.js';
import { sendSentimentRequests } from './helpers/traffic.js';

const REQUESTS_BLUE = '#2563eb';

let server: ConsoleServer;
let browser: Browser;
let tab: ConsoleTab;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchChromium();
  tab = await openTab(browser);
});

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

describe('sign in and overview', () => {
  it('the server root leads to the sign-in page, which refuses a wrong key and says why', async () => {
    const { page } = tab;
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to the console');
    await page.getByLabel('API key').fill('sk_sluice_000000000000_not-a-real-key-not-a-real-key-not-a-real');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    expect(await consoleNavigation(page).count()).toBe(0);
    expect((await tab.context.cookies()).map((c) => c.name)).not.toContain('sluice_session');
  });

  it('signing in with the admin key sets an HttpOnly session cookie the page cannot read', async () => {
    const { page } = tab;
    await signInWithKey(page, server);
    const session = (await tab.context.cookies()).find((c) => c.name === 'sluice_session');
    expect(session, 'the sluice_session cookie').toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe('Strict');
    expect(await page.evaluate(() => String((globalThis as any).document.cookie))).not.toContain('sluice_session');
    // The key itself is kept nowhere in the page.
    expect(await page.content()).not.toContain(server.adminToken);
    expect(
      await page.evaluate(
        () => JSON.stringify({ ...(globalThis as any).localStorage }) + JSON.stringify({ ...(globalThis as any).sessionStorage }),
      ),
    ).not.toContain('sk_sluice_');
    await expect.poll(() => page.getByTestId('session-name').textContent()).toContain('test-admin');
  });

  it('the overview shows the demo models ready and, after traffic, charts with data', async () => {
    const { page } = tab;
    // Four demo models, sentiment with two versions: five versions ready.
    await expect.poll(() => page.getByTestId('overview-models').textContent(), { timeout: 30_000 }).toMatch(/5\s*ready/);
    await expect.poll(() => page.getByTestId('overview-health').textContent()).toMatch(/^Health\s*ready/i);

    await sendSentimentRequests(server, 40);
    const requestsChart = page.getByTestId('chart-requests');
    // The overview polls the statistics every few seconds: the summary and the drawn line follow.
    await expect.poll(() => requestsChart.textContent(), { timeout: 30_000 }).toMatch(/Last minute: [0-9.]*[1-9][0-9.]* ?req\/s/);
    await expect.poll(() => countColouredPixels(requestsChart, REQUESTS_BLUE), { timeout: 15_000 }).toBeGreaterThan(20);
    const latencyChart = page.getByTestId('chart-latency');
    await expect.poll(() => latencyChart.textContent()).toMatch(/p50 about [0-9.]+ ?ms/);
    await saveScreenshot(page, 'overview');
  });

  it('signing out ends the session on the server and shows the sign-in page again', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect((await tab.context.cookies()).map((c) => c.name)).not.toContain('sluice_session');
    const status = await page.evaluate(async () => (await fetch('/auth/session')).status);
    expect(status).toBe(401);
    // The wrong key's refusal and the signed-out session check are the only error answers the console met.
    expect(unexpectedErrors(tab, [/^401 POST \/auth\/session$/])).toEqual([]);
  });
});
