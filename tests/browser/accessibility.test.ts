/**
 * Every console page, checked with axe-core: no violation of impact "serious" or "critical". The server runs
 * with the enterprise plugin, so its pages are checked too: first the audit log as it shows without a license,
 * then, after a trial and some traffic, every page with content (tables, charts, results, forms).
 *
 * axe is injected as a script, which the console's CSP (`script-src 'self'`) blocks; these pages are opened in a
 * browser context with playwright's `bypassCSP: true`, for this axe run only (every other test runs under the
 * real CSP).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../helpers/test-server.js';
import { describeViolations, newAxeContext, runAxe, type AxeReport } from './helpers/axe.js';
import { launchChromium } from './helpers/chromium.js';
import { consoleNavigation, consoleUrl, signInWithKey } from './helpers/console-page.js';
import { startEnterpriseConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { sendSentimentRequests } from './helpers/traffic.js';

let server: ConsoleServer;
let browser: Browser;
let page: Page;
const reports: AxeReport[] = [];

beforeAll(async () => {
  server = await startEnterpriseConsoleServer();
  browser = await launchChromium();
  const context = await newAxeContext(browser);
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  console.info(
    [
      'axe-core results per page (all impacts):',
      ...reports.map(
        (r) =>
          `  ${new URL(r.url).pathname}${new URL(r.url).search}: ${r.passes} rules passed, ${r.violations.length} violated${r.violations.length ? `\n${describeViolations(r.violations).replace(/^/gm, '    ')}` : ''}`,
      ),
    ].join('\n'),
  );
  await browser?.close();
  await server?.close();
});

/** Opens a console page by its URL, waits for `ready`, and runs axe. */
async function check(name: string, path: string, ready: (page: Page) => Promise<unknown>): Promise<AxeReport> {
  await page.goto(consoleUrl(server, path));
  await ready(page);
  const report = await runAxe(page);
  reports.push(report);
  expect(report.passes, `axe really checked ${name}`).toBeGreaterThan(10);
  expect(describeViolations(report.blocking), `serious or critical violations on ${name}`).toBe('');
  return report;
}

const heading = (text: string) => (p: Page) => p.getByRole('heading', { level: 1, name: text }).waitFor();

describe('accessibility (axe-core)', () => {
  it('sign-in page', async () => {
    await check('sign-in', '', heading('Sign in to the console'));
  });

  it('audit log without a license (the locked explanation)', async () => {
    await signInWithKey(page, server);
    await check('audit (locked)', 'audit', (p) => p.getByTestId('feature-locked').getByRole('heading').waitFor());
  });

  it('every page once there is data', async () => {
    const trial = await request(`${server.url}/admin/license/trial`, { method: 'POST', headers: server.auth });
    expect(trial.status, trial.text).toBeLessThan(300);
    await sendSentimentRequests(server, 20);
    await check('overview', '', (p) => p.getByTestId('chart-requests').locator('canvas').first().waitFor());
    await check('models', 'models', async (p) => {
      await p.getByRole('button', { name: 'Routing of sentiment' }).click();
      await p.getByTestId('traffic-editor').waitFor();
    });
    await check('playground (text result)', 'playground?model=sentiment', async (p) => {
      await p.getByRole('button', { name: 'Classify' }).click();
      await p.getByTestId('playground-label').waitFor();
    });
    await check('playground (tensor editor)', 'playground?model=silero-vad', (p) => p.getByTestId('tensor-editor').waitFor());
    await check('API keys', 'keys', (p) => p.getByTestId('keys-table').waitFor());
    await check('license', 'license', (p) => p.getByTestId('license-state').waitFor());
    await check('audit log', 'audit', (p) => p.getByTestId('audit-verify-badge').waitFor());
    await check('usage', 'usage', (p) => p.getByTestId('usage-chart').waitFor());
    await check('account', 'account', (p) => p.getByTestId('page-account').waitFor());
    // Every page in the navigation was checked.
    const paths = (
      await consoleNavigation(page)
        .getByRole('link')
        .evaluateAll((links) => links.map((a: any) => String(a.pathname)))
    ).map((p) => p.replace(/^\/console\/?/, ''));
    const checked = new Set(reports.map((r) => new URL(r.url).pathname.replace(/^\/console\/?/, '')));
    expect(paths.filter((p) => !checked.has(p))).toEqual([]);
  });
});
