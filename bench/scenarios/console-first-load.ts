/**
 * The web console's first load of each page, in Debian's Chromium (playwright-core, the browser tests' launcher),
 * against a real Sluice with the demo models and the enterprise plugin (trial started, so its pages show data).
 * A first load is a cold one: a fresh browser context (empty cache) holding only the session cookie, from the
 * navigation's start (the page's time origin) until the page shows its content (the element that carries its
 * data: a chart's canvas, a table, a form).
 * Target: under 1 s on loopback; the ratio is 1 s / the slowest cold load of the page (>= 1 means met).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import type { Browser } from 'playwright-core';
import type { Page } from 'playwright-core';
import { launchChromium, newContext } from '../../tests/browser/helpers/chromium.js';
import { copyDemoModel, tempRepository } from '../lib/bench-models.js';
import type { Ratio, ResultRow, Scenario, ScenarioResult } from '../lib/scenario.js';
import { startSluice } from '../lib/sluice-server.js';

const TARGET_MS = 1000;
const LOADS_PER_PAGE = Number(process.env.BENCH_CONSOLE_LOADS ?? 5);

/** Each page and what shows that it has loaded its data. */
const PAGES: { name: string; path: string; ready: (page: Page) => Promise<unknown> }[] = [
  { name: 'sign-in', path: '', ready: (p) => p.getByLabel('API key').waitFor() },
  { name: 'overview', path: '', ready: (p) => p.getByTestId('chart-requests').locator('canvas').first().waitFor() },
  { name: 'models', path: 'models', ready: (p) => p.getByTestId('model-row-sentiment').waitFor() },
  { name: 'playground', path: 'playground?model=sentiment', ready: (p) => p.getByTestId('playground-metadata').waitFor() },
  { name: 'API keys', path: 'keys', ready: (p) => p.getByTestId('keys-table').waitFor() },
  { name: 'license (ee)', path: 'license', ready: (p) => p.getByTestId('license-state').waitFor() },
  { name: 'audit log (ee)', path: 'audit', ready: (p) => p.getByTestId('audit-table').waitFor() },
  { name: 'usage (ee)', path: 'usage', ready: (p) => p.getByTestId('usage-chart').waitFor() },
  { name: 'account (ee)', path: 'account', ready: (p) => p.getByTestId('page-account').waitFor() },
];

/**
 * The floor under every console page: the same cold load of a bare HTML page from a plain node:http server, so
 * what a new context and renderer cost on this machine is measured beside what the console adds to it.
 */
async function bareFirstLoads(browser: Browser): Promise<number[]> {
  const bare: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html lang="en"><title>bare</title><p id="ready">ready</p></html>');
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const times: number[] = [];
  try {
    for (let i = 0; i < LOADS_PER_PAGE; i++) {
      const context = await newContext(browser);
      try {
        const page = await context.newPage();
        await page.goto(url);
        await page.locator('#ready').waitFor();
        times.push(await page.evaluate(() => performance.now()));
      } finally {
        await context.close();
      }
    }
  } finally {
    await new Promise((resolve) => bare.close(resolve));
  }
  return times;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export const consoleFirstLoad: Scenario = {
  name: 'console',
  description: 'web console: cold first load of each page in Chromium (target < 1 s on loopback)',
  async run(): Promise<ScenarioResult> {
    const loadBefore = loadavg()[0]!;
    const repository = tempRepository('console');
    for (const name of ['sentiment', 'ocr-detector', 'ocr-direction', 'silero-vad']) copyDemoModel(repository.dir, name, name);
    const server = await startSluice({ models: repository.dir, workers: 1, plugins: ['@sluice/enterprise'] });
    const browser = await launchChromium();
    const rows: ResultRow[] = [];
    const ratios: Ratio[] = [];
    try {
      const token = server.headers.authorization!.replace(/^Bearer /, '');
      const trial = await fetch(`${server.url}/admin/license/trial`, { method: 'POST', headers: server.headers });
      if (!trial.ok) throw new Error(`starting the trial failed: ${trial.status} ${await trial.text()}`);
      // Some traffic, so the overview, usage and audit pages have data to draw.
      for (let i = 0; i < 20; i++) {
        await fetch(`${server.url}/v2/models/sentiment/infer`, {
          method: 'POST',
          headers: { ...server.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this'] }] }),
        });
      }
      const floor = await bareFirstLoads(browser);
      rows.push({
        name: 'first load: bare HTML page (floor)',
        throughput: 1000 / median(floor),
        unit: 'loads/s',
        p50Ms: median(floor),
        p99Ms: Math.max(...floor),
        note: 'the same cold context, a one-line page from node:http: what Chromium itself costs here',
      });
      for (const target of PAGES) {
        const times: number[] = [];
        for (let i = 0; i < LOADS_PER_PAGE; i++) {
          const context = await newContext(browser);
          try {
            if (target.name !== 'sign-in') {
              // As the sign-in page does it (same-origin POST), so the context holds the session cookie.
              const signIn = await context.request.post(`${server.url}/auth/session`, {
                data: { apiKey: token },
                headers: { origin: server.url },
              });
              if (!signIn.ok()) throw new Error(`console sign-in failed: ${signIn.status()}`);
            }
            const page = await context.newPage();
            await page.goto(`${server.url}/console/${target.path}`);
            await target.ready(page);
            // The page's own clock: milliseconds since its navigation started (the time origin), read once the
            // content shows, so the browser-automation round trips are not counted as page time.
            times.push(await page.evaluate(() => performance.now()));
          } finally {
            await context.close();
          }
        }
        const worst = Math.max(...times);
        rows.push({
          name: `first load: ${target.name}`,
          throughput: 1000 / median(times),
          unit: 'loads/s',
          p50Ms: median(times),
          p99Ms: worst,
          note: `${LOADS_PER_PAGE} cold loads; p99 column = slowest`,
        });
        ratios.push({ name: `1 s / slowest first load: ${target.name}`, value: TARGET_MS / worst, target: 1 });
        // Informational (no target): how much of the page's median is the browser's own floor.
        ratios.push({ name: `bare page / ${target.name} (median; share that is Chromium's floor)`, value: median(floor) / median(times) });
      }
    } finally {
      await browser.close();
      await server.close();
      repository.remove();
    }
    return {
      rows,
      ratios,
      notes: [
        `each load: a new browser context (empty cache, only the session cookie); time from the navigation's start until the page shows its data, on the page's own clock; target ${TARGET_MS} ms`,
        'Chromium and the server share this machine; the server runs in the bench process with logs at warn',
        `load average (1 min) ${loadBefore.toFixed(1)} before and ${loadavg()[0]!.toFixed(1)} after, on ${availableParallelism()} cores: a busy machine slows every cold load (a new renderer process starts for each)`,
      ],
    };
  },
};
