/**
 * Models page: the demo models and their versions, and a traffic split changed in the console that the next
 * requests really follow. Version 2 of `sentiment` is an inverted copy (console-models.ts), so where a request
 * went shows in its answer: "I love this" is positive from v1 and negative from v2.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.js';
import { DEMO_MODEL_NAMES } from './helpers/console-models.js';
import { goToPage, openTab, signInWithKey, type ConsoleTab } from './helpers/console-page.js';
import { startConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { saveScreenshot } from './helpers/screenshots.js';
import { sendSentimentRequests } from './helpers/traffic.js';

let server: ConsoleServer;
let browser: Browser;
let tab: ConsoleTab;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchChromium();
  tab = await openTab(browser);
  await signInWithKey(tab.page, server);
});

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

const versionsOf = (answers: { version: string; label: string }[]) => [...new Set(answers.map((a) => `v${a.version} ${a.label}`))];

describe('models and traffic split', () => {
  it('lists every demo model with its versions ready', async () => {
    const { page } = tab;
    await goToPage(page, 'Models');
    for (const name of DEMO_MODEL_NAMES)
      await expect.poll(() => page.getByTestId(`model-row-${name}`).textContent()).toMatch(/v1\s*READY/i);
    await expect.poll(() => page.getByTestId('model-version-sentiment-2').textContent()).toMatch(/v2\s*READY/i);
  });

  it('unloads a model and loads it again, and the server follows', async () => {
    const { page } = tab;
    const row = page.getByTestId('model-row-ocr-direction');
    await row.getByRole('button', { name: 'Unload ocr-direction', exact: true }).click();
    // Nothing happens before the confirmation.
    expect((await fetch(`${server.url}/v2/models/ocr-direction/ready`, { headers: server.auth })).status).toBe(200);
    await row.getByRole('button', { name: 'Confirm unload ocr-direction' }).click();
    // The page's answer: a notice, or an error alert (whose text the failure then shows).
    const answer = page.getByRole('status').or(page.getByRole('alert')).first();
    await expect.poll(() => answer.textContent()).toContain('ocr-direction: unloaded');
    await expect.poll(() => row.textContent()).not.toMatch(/READY/i);
    const unloaded = await fetch(`${server.url}/v2/models/ocr-direction/ready`, { headers: server.auth });
    expect(unloaded.status).not.toBe(200);
    await row.getByRole('button', { name: 'Load ocr-direction', exact: true }).click();
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/v1\s*READY/i);
    expect((await fetch(`${server.url}/v2/models/ocr-direction/ready`, { headers: server.auth })).status).toBe(200);
  });

  it('a split saved in the console sends the next requests to the version it names', async () => {
    const { page } = tab;
    expect(versionsOf(await sendSentimentRequests(server, 4))).toEqual(['v1 positive', 'v1 negative']);
    await page.getByRole('button', { name: 'Routing of sentiment' }).click();
    const editor = page.getByTestId('traffic-editor');
    await editor.getByLabel('Weight of version 1').fill('0');
    await editor.getByLabel('Weight of version 2').fill('100');
    await expect.poll(() => editor.getByTestId('traffic-share-2').textContent()).toBe('100 %');
    await editor.getByRole('button', { name: 'Save split' }).click();
    await expect.poll(() => editor.getByRole('status').textContent()).toContain('Traffic split saved');

    // Every request without a version now goes to v2, which inverts the answer.
    const after = await sendSentimentRequests(server, 8);
    expect(new Set(after.map((a) => a.version))).toEqual(new Set(['2']));
    expect(after[0]).toEqual({ version: '2', label: 'negative' });
    // The editor's live column shows the traffic arriving at v2 (it polls the statistics every few seconds).
    await expect.poll(() => editor.getByTestId('traffic-rate-2').textContent(), { timeout: 30_000 }).toMatch(/[1-9]/);
    await saveScreenshot(page, 'models');
  });

  it('removing the split sends requests to the default version again', async () => {
    const editor = tab.page.getByTestId('traffic-editor');
    await editor.getByRole('button', { name: 'Remove split' }).click();
    await expect.poll(() => editor.getByRole('status').textContent()).toContain('Traffic split removed');
    expect(new Set((await sendSentimentRequests(server, 4)).map((a) => a.version))).toEqual(new Set(['1']));
  });
});
