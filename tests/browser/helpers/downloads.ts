/** Clicking a download link in the page and reading what the browser saved. */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';

export async function downloadText(page: Page, link: Locator): Promise<{ name: string; text: string; url: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), link.click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(file, 'utf8'), url: download.url() };
}
