/**
 * The console's JavaScript budget: everything a browser may download for the console, core's app and the
 * enterprise pages together, stays under 250 KB gzipped. (tests/console-bundle.test.ts checks core's bundle
 * alone in `npm test`; this adds the pages @sluice/enterprise contributes, found where it registers them.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONSOLE_ASSETS_DIR, ENTERPRISE_CONSOLE_PAGES } from '../../packages/enterprise/src/console/console-pages.js';
import { CONSOLE_DIST } from './helpers/global-setup.js';

export const CONSOLE_JS_BUDGET_GZIP_BYTES = 250 * 1024;

function javascriptUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return javascriptUnder(file);
    return file.endsWith('.js') ? [file] : [];
  });
}

const gzipped = (file: string) => gzipSync(readFileSync(file), { level: 9 }).byteLength;

describe('console JavaScript budget', () => {
  it('core and enterprise pages together stay under 250 KB gzipped', () => {
    const core = javascriptUnder(CONSOLE_DIST);
    const enterprise = javascriptUnder(CONSOLE_ASSETS_DIR);
    // Every enterprise page's entry module is really there (a page that failed to build would weigh nothing).
    for (const page of ENTERPRISE_CONSOLE_PAGES) expect(enterprise).toContain(path.join(CONSOLE_ASSETS_DIR, page.entry));
    expect(core.length).toBeGreaterThan(0);
    const rows = [...core, ...enterprise].map((file) => ({
      file: path.relative(path.resolve(CONSOLE_DIST, '..', '..', '..'), file),
      bytes: gzipped(file),
    }));
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    console.info(
      [
        'console JavaScript, gzipped (level 9):',
        ...rows.map((row) => `  ${kb(row.bytes).padStart(9)}  ${row.file}`),
        `  ${kb(total).padStart(9)}  total (budget ${kb(CONSOLE_JS_BUDGET_GZIP_BYTES)})`,
      ].join('\n'),
    );
    expect(total).toBeLessThan(CONSOLE_JS_BUDGET_GZIP_BYTES);
  });
});
