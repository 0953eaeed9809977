/**
 * The playground: classify texts with the demo sentiment model, and run the OCR text detector on an uploaded
 * picture, whose probability map is drawn over it. Every run shows the equivalent curl command, with a key
 * placeholder, never the real key.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.js';
import { goToPage, openTab, signInWithKey, unexpectedErrors, type ConsoleTab } from './helpers/console-page.js';
import { startConsoleServer, type ConsoleServer } from './helpers/console-server.js';
import { saveScreenshot } from './helpers/screenshots.js';
import { textPng } from './helpers/text-png.js';

let server: ConsoleServer;
let browser: Browser;
let tab: ConsoleTab;

beforeAll(async () => {
  server = await startConsoleServer();
  browser = await launchChromium();
  tab = await openTab(browser);
  await signInWithKey(tab.page, server);
  await goToPage(tab.page, 'Playground');
});

afterAll(async () => {
  await tab?.close();
  await browser?.close();
  await server?.close();
});

/** Canvas pixels where the detector's heat map shows through: strongly red, little green and blue. */
function redPixels(page: ConsoleTab['page']): Promise<number> {
  return page
    .getByTestId('playground-overlay')
    .locator('canvas')
    .evaluate((canvas: any) => {
      const data: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 150 && data[i + 1]! < 130 && data[i + 2]! < 130) count++;
      return count;
    });
}

describe('playground', () => {
  it('classifies texts with the sentiment model and shows the label, the version and a curl command', async () => {
    const { page } = tab;
    await page.getByLabel('Model').selectOption('sentiment');
    await page.getByTestId('playground-metadata').getByText('task text-classification').waitFor();
    const text = page.getByRole('textbox', { name: 'Text', exact: true });
    await text.fill('What a wonderful, lovely day');
    await page.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.getByTestId('playground-label').textContent()).toBe('positive');
    expect(await page.getByTestId('playground-result').textContent()).toMatch(/version 1/);
    await text.fill('This is terrible and awful');
    await page.getByRole('button', { name: 'Classify' }).click();
    await expect.poll(() => page.getByTestId('playground-label').textContent()).toBe('negative');
    const curl = (await page.getByTestId('curl-command').first().textContent()) ?? '';
    expect(curl).toContain('/v2/models/sentiment/infer');
    expect(curl).toContain('$SLUICE_API_KEY');
    expect(curl).not.toContain(server.adminToken);
  });

  it('runs the OCR detector on an uploaded picture and draws its text map over it', async () => {
    const { page } = tab;
    await page.getByLabel('Model').selectOption('ocr-detector');
    await page.getByTestId('playground-metadata').getByText('task raw').waitFor();
    // The file input (the 'Picture' radio beside it picks the input mode).
    await page
      .getByTestId('playground-image')
      .setInputFiles({ name: 'hello-world.png', mimeType: 'image/png', buffer: textPng('HELLO WORLD', 320, 96, 4) });
    // Free dimensions follow the picture (multiples of 32).
    await expect.poll(() => page.getByLabel('Width (px)').inputValue()).toBe('320');
    expect(await page.getByLabel('Height (px)').inputValue()).toBe('96');
    await page.getByRole('button', { name: 'Run' }).click();
    const overlay = page.getByTestId('playground-overlay');
    await overlay.waitFor({ timeout: 30_000 });
    // The caption says what share of the picture the detector marks as text: some, not all.
    const caption = (await overlay.textContent()) ?? '';
    const share = Number(/([0-9.]+) % of pixels/.exec(caption)?.[1]);
    expect(share, caption).toBeGreaterThan(1);
    expect(share, caption).toBeLessThan(80);
    expect(await redPixels(page)).toBeGreaterThan(500);
    expect(await page.getByTestId('playground-output-sigmoid_0.tmp_0').textContent()).toContain('[1, 1, 96, 320]');
    await overlay.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'playground-ocr');
    expect(unexpectedErrors(tab)).toEqual([]);
  });
});
