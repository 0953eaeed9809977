/**
 * The built web console (packages/core/console-dist/, built by the global setup) keeps its promises: a small
 * download, nothing inline that the strict CSP would block, and nothing fetched from another origin.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from './helpers/console-build.js';

/** Total gzip-compressed JavaScript the console may ship (Preact + uPlot + the console are ~50 KB today). */
const JS_BUDGET_GZIP_BYTES = 250 * 1024;

/**
 * XML namespace names: identifiers the DOM needs (Preact creates SVG and MathML elements with them), never
 * fetched by a browser. Any other absolute URL in the build would be a request to another origin.
 */
const NAMESPACE_URIS = new Set([
  'http://www.w3.org/1999/xhtml',
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1998/Math/MathML',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/XML/1998/namespace',
]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

ensureConsoleBuilt();
const files = filesUnder(CONSOLE_DIST_DIR);
const textFiles = files.filter((f) => /\.(html|js|css|json|svg|txt|map)$/.test(f));
const indexHtml = readFileSync(join(CONSOLE_DIST_DIR, 'index.html'), 'utf8');

describe('console bundle', () => {
  it('ships index.html and its assets under assets/, referenced under /console/', () => {
    expect(files.map((f) => relative(CONSOLE_DIST_DIR, f)).sort()).toContain('index.html');
    const referenced = [...indexHtml.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThanOrEqual(2);
    for (const url of referenced) {
      expect(url).toMatch(/^\/console\/assets\/[\w.-]+\.(js|css|svg)$/);
      expect(statSync(join(CONSOLE_DIST_DIR, url.slice('/console/'.length))).isFile()).toBe(true);
    }
  });

  it(`keeps all JavaScript under ${JS_BUDGET_GZIP_BYTES / 1024} KB gzipped`, () => {
    const js = files.filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const total = js.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).byteLength, 0);
    console.info(`console JavaScript: ${js.length} file(s), ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(total).toBeLessThan(JS_BUDGET_GZIP_BYTES);
  });

  it('has no inline script, inline style or event-handler attribute in index.html (the CSP forbids them)', () => {
    const scripts = [...indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="/);
      expect(body!.trim()).toBe('');
    }
    expect(indexHtml).not.toMatch(/<style\b/i);
    expect(indexHtml).not.toMatch(/\sstyle\s*=/i);
    expect(indexHtml).not.toMatch(/\son[a-z]+\s*=/i);
    expect(indexHtml).not.toMatch(/javascript:/i);
  });

  it('refers to no other origin in any built file', () => {
    expect(textFiles.length).toBeGreaterThan(1);
    const foreign: string[] = [];
    for (const file of textFiles) {
      const text = readFileSync(file, 'utf8');
      // Absolute URLs, and protocol-relative ones opening a string literal or a CSS url().
      for (const match of text.matchAll(/https?:\/\/[^\s"'`)<>\\]+|(?<=["'`(])\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)+[^\s"'`)<>\\]*/gi)) {
        const url = match[0].replace(/[`,;]+$/, '');
        if (NAMESPACE_URIS.has(url)) continue;
        foreign.push(`${relative(CONSOLE_DIST_DIR, file)}: ${url.slice(0, 80)}`);
      }
    }
    expect(foreign).toEqual([]);
  });

  it("needs no 'unsafe-eval' (no eval or new Function in the JavaScript)", () => {
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const js = readFileSync(file, 'utf8');
      expect(js).not.toMatch(/\beval\(/);
      expect(js).not.toMatch(/\bnew Function\(/);
    }
  });

  it('loads no web font or image from elsewhere in the CSS', () => {
    for (const file of files.filter((f) => f.endsWith('.css'))) {
      const css = readFileSync(file, 'utf8');
      for (const match of css.matchAll(/url\(\s*['"]?([^'")]+)/g)) expect(match[1]).toMatch(/^(data:|\/console\/|\.\/|[\w.-]+$)/);
      expect(css).not.toMatch(/@import\s+(url\()?['"]?https?:/i);
    }
  });
});
