/**
 * Saves a screenshot of what the page shows (the 1280x800 viewport, not the full scroll height) into
 * docs/screenshots/<name>.png: the README shows some of them, so they are committed and kept small.
 * Animations are stopped and the caret hidden so the same page gives the same picture.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot name "${name}" must be lower-case words and dashes`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false, animations: 'disabled', caret: 'hide', scale: 'css' });
  return file;
}
