/**
 * Before the browser tests: Chromium must be installed and the console built (npm run test:browser does both);
 * a clear message here beats forty timeouts later.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM_PATH } from './chromium.js';

export const CONSOLE_DIST = path.resolve(import.meta.dirname, '..', '..', '..', 'packages', 'core', 'console-dist');

export default function setup(): void {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/install-chromium.sh (npm run test:browser does)`);
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html')))
    throw new Error(`the console is not built (${CONSOLE_DIST}/index.html is missing): npm run build:console`);
}
