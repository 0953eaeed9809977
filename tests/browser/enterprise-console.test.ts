/**
 * The enterprise pages, starting from what a new installation shows: the plugin loaded and no license. The test
 * starts the 30-day trial on the License page, acts in the console (creates and revokes a key), sends traffic,
 * then finds those actions in the Audit log with the chain "verified" badge, exports it as CSV, and sees the
 * traffic on the Usage chart and in its CSV export.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countColouredPixels } from './helpers/chart-pixels.js';
import { launchChromium } from './helpers/chromium.js';
import { consoleNavigation, goToPage, openTab, signInWithKey, unexpectedErrors, type ConsoleTab } from './helpers/console-page.js';
import { startEnterpriseConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { downloadText } from './helpers/downloads.js';
import { saveScreenshot } from './helpers/screenshots.js';
import { sendSentimentRequests } from './helpers/traffic.js';

const KEY_NAME = 'audited-browser-key';
const FIRST_SERIES_COLOUR = '#0b5cad';
const REQUESTS = 12;

let server: ConsoleServer;
let browser: Browser;
let tab: ConsoleTab;

beforeAll(async () => {
  server = await startEnterpriseConsoleServer();
  browser = await launchChromium();
  tab = await openTab(browser, { acceptDownloads: true });
  await signInWithKey(tab.page, server);
});

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

describe('enterprise console pages, from no license to a trial', () => {
  it('lists the enterprise pages, and without a license the audit log explains what would unlock it', async () => {
    const { page } = tab;
    const links = await consoleNavigation(page).getByRole('link').allTextContents();
    expect(links).toEqual(
      expect.arrayContaining(['Overview', 'Models', 'Playground', 'API keys', 'License', 'Audit log', 'Usage', 'Account']),
    );
    await goToPage(page, 'Audit log');
    const locked = page.getByTestId('feature-locked');
    await expect.poll(() => locked.textContent()).toContain('needs a Sluice Enterprise license');
    expect(await page.getByTestId('audit-table').count()).toBe(0);
  });

  it('starts the 30-day trial on the License page', async () => {
    const { page } = tab;
    await goToPage(page, 'License');
    await expect.poll(() => page.getByTestId('license-state').textContent()).toContain('No license');
    await page.getByRole('button', { name: 'Start 30-day trial' }).click();
    await expect.poll(() => page.getByTestId('license-state').textContent()).toContain('Trial');
    // The trial's dates, 30 days left, and no offer to start it again.
    await expect.poll(() => page.getByTestId('license-trial').textContent()).toMatch(/ to .*\((29|30) days left\)/);
    expect(await page.getByRole('button', { name: 'Start 30-day trial' }).count()).toBe(0);
    // A new page load reads the session again: the header's plan badge names the trial (it said community).
    await page.reload();
    await expect.poll(() => page.getByTestId('plan-badge').textContent()).toContain('trial');
    await saveScreenshot(page, 'license');
  });

  it('records what the test does in the console in the audit log, with a verified hash chain', async () => {
    const { page } = tab;
    await goToPage(page, 'API keys');
    await page.getByLabel('Name').fill(KEY_NAME);
    await page.getByRole('button', { name: /^Create/ }).click();
    await page.getByTestId('key-token').waitFor();
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await row.getByRole('button', { name: `Revoke ${KEY_NAME}` }).click();
    await row.getByRole('button', { name: `Confirm revoke ${KEY_NAME}` }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');

    await goToPage(page, 'Audit log');
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const actions = await table.locator('tbody tr td:nth-child(4) code').allTextContents();
    expect(actions).toEqual(expect.arrayContaining(['license.trial.start', 'key.create', 'key.revoke']));
    // Newest first: the revocation comes before the creation, both by the admin key the console signed in with.
    expect(actions.indexOf('key.revoke')).toBeLessThan(actions.indexOf('key.create'));
    const createRow = table
      .getByRole('row')
      .filter({ has: page.locator('code', { hasText: /^key\.create$/ }) })
      .first();
    expect(await createRow.textContent()).toMatch(/test-admin.*key\.create.*success/);
    const badge = page.getByTestId('audit-verify-badge');
    await expect.poll(() => badge.textContent()).toMatch(/^Chain verified through \d+ entr(y|ies)/);
    expect(await badge.getAttribute('data-verified')).toBe('true');
    await saveScreenshot(page, 'audit-log');
  });

  it('exports the audit log as CSV, with the entries just made', async () => {
    const { page } = tab;
    const csv = await downloadText(page, page.getByTestId('audit-export-csv'));
    expect(new URL(csv.url).origin).toBe(server.origin);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/seq/);
    expect(lines.some((line) => line.includes('key.create'))).toBe(true);
    expect(lines.some((line) => line.includes('key.revoke'))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(4);
  });

  it('shows inference traffic on the usage chart and exports it as CSV', async () => {
    const { page } = tab;
    await sendSentimentRequests(server, REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, 600)); // metering flushes every 200 ms in this server
    await goToPage(page, 'Usage');
    const chart = page.getByTestId('usage-chart');
    await expect.poll(() => chart.locator('figcaption').textContent(), { timeout: 20_000 }).toMatch(/Requests, .*: \d+ in all/);
    const total = Number(/: (\d+) in all/.exec((await chart.locator('figcaption').textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThanOrEqual(REQUESTS);
    expect(await chart.locator('figcaption').textContent()).toContain('test-admin');
    await expect.poll(() => countColouredPixels(chart, FIRST_SERIES_COLOUR), { timeout: 10_000 }).toBeGreaterThan(20);
    await saveScreenshot(page, 'usage');

    const csv = await downloadText(page, page.getByTestId('usage-export-csv'));
    const [header, ...rows] = csv.text
      .trim()
      .split(/\r?\n/)
      .map((line) => line.split(','));
    const requestsColumn = header!.indexOf('requests');
    expect(requestsColumn, `CSV header: ${header!.join(',')}`).toBeGreaterThanOrEqual(0);
    expect(rows.reduce((sum, row) => sum + Number(row[requestsColumn]), 0)).toBe(total);
    // Only the audit log's refusal before the trial (402, shown as the locked explanation).
    expect(unexpectedErrors(tab, [/^402 GET \/admin\/audit\b/])).toEqual([]);
  });
});
