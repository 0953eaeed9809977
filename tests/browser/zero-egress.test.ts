/**
 * The privacy promise, seen from a browser: loading every console page (core's and the enterprise plugin's)
 * opens no connection beyond loopback. Three witnesses:
 * - every request Chromium makes for the pages (documents, scripts, styles, fonts, images, API calls) goes to
 *   the server's own origin (playwright's context.on('request'), which sees a request before any name lookup);
 * - Chromium itself runs under strace: no thread of any of its processes connects, binds or sends to a
 *   non-loopback address (its IPv6 route probe, a datagram connect that sends nothing, is reported apart);
 * - the server (the real CLI with @sluice/enterprise) runs under strace, as in tests/privacy.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { withApiKeys } from '../../packages/core/src/auth/with-api-keys.js';
import { runCli } from '../helpers/cli-process.js';
import { nonLoopbackCalls, parseSocketCalls, straceAvailable, tracedCliCommand } from '../helpers/network-trace.js';
import { tracedChromium } from './helpers/chromium-trace.js';
import { launchChromium } from './helpers/chromium.js';
import { consoleModelRepository } from './helpers/console-models.js';
import { consoleNavigation, openTab, type ConsoleTab } from './helpers/console-page.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-browser-egress-'));
const models = consoleModelRepository();
afterAll(() => {
  models.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('zero egress from the console', () => {
  it('loading every console page makes only loopback connections, in the browser and in the server', async () => {
    expect(straceAvailable(), 'strace is required (.ci/run installs it)').toBe(true);
    const data = path.join(scratch, 'data');
    const admin = withApiKeys(data, (keys) => keys.create({ name: 'egress-admin', scopes: ['admin'] }));
    const serverTrace = path.join(scratch, 'server.trace');
    const cli = runCli(['serve', '--port', '0', '--models', models.dir, '--data', data, '--workers', '1'], {
      command: tracedCliCommand(serverTrace),
      env: { SLUICE_PLUGINS: '@sluice/enterprise', HOME: path.join(scratch, 'home') },
    });
    const listening = await cli.waitFor((line) => line.msg === 'sluice listening');
    await cli.waitFor((line) => line.msg === 'start-up model loading finished');
    const url = String(listening.address);
    const origin = new URL(url).origin;

    const traced = tracedChromium(scratch);
    let browser: Browser | undefined;
    let tab: ConsoleTab | undefined;
    const visited: string[] = [];
    try {
      browser = await launchChromium({ executablePath: traced.executablePath });
      tab = await openTab(browser);
      const { page } = tab;
      // Signed out: the sign-in page; then signed in, every page the navigation offers.
      await page.goto(`${url}/`);
      await page.getByLabel('API key').fill(admin.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await consoleNavigation(page).waitFor();
      const paths = await consoleNavigation(page)
        .getByRole('link')
        .evaluateAll((links) => links.map((a: any) => String(a.pathname)));
      expect(paths).toEqual(
        expect.arrayContaining([
          '/console/',
          '/console/models',
          '/console/playground',
          '/console/keys',
          '/console/license',
          '/console/audit',
          '/console/usage',
          '/console/account',
        ]),
      );
      for (const pagePath of paths) {
        // A full load of each page (not an in-app navigation): its document, scripts and styles are fetched anew.
        await page.goto(`${url}${pagePath}`, { waitUntil: 'networkidle' });
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        visited.push(pagePath);
      }
      // And one inference from the playground.
      await page.goto(`${url}/console/playground?model=sentiment`, { waitUntil: 'networkidle' });
      await page.getByRole('button', { name: 'Classify' }).click();
      await page.getByTestId('playground-label').waitFor();
    } finally {
      await tab?.close();
      await browser?.close();
      process.kill(Number(listening.pid), 'SIGTERM');
      await cli.exited;
    }

    // 1. What the pages asked for: the server's origin only.
    const requests = tab!.requests;
    expect(visited.length).toBeGreaterThanOrEqual(8);
    expect(requests.requests.filter((r) => r.resourceType === 'script').length).toBeGreaterThan(0);
    expect(requests.foreign(origin).map((r) => `${r.method} ${r.url} (${r.resourceType})`)).toEqual([]);

    // 2. Chromium's own sockets: it really reached the server over loopback, and nothing else.
    const browserTrace = traced.analyse();
    const port = Number(new URL(url).port);
    expect(
      browserTrace.calls.some((c) => c.call === 'connect' && c.address === '127.0.0.1' && c.port === port),
      'the trace saw Chromium connect to the server',
    ).toBe(true);
    expect(browserTrace.offending).toEqual([]);
    if (browserTrace.routeProbes.length > 0)
      console.info(`Chromium's IPv6 route probes (datagram connect, nothing sent): ${browserTrace.routeProbes.length}`);

    // 3. The server's sockets.
    const serverCalls = parseSocketCalls(readFileSync(serverTrace, 'utf8'));
    expect(serverCalls.some((c) => c.call === 'bind' && c.address === '127.0.0.1')).toBe(true);
    expect(nonLoopbackCalls(serverCalls).map((c) => c.line)).toEqual([]);
  });
});
