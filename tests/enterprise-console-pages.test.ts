/**
 * The enterprise console pages: registered through core's console extension point with a server running the
 * enterprise plugin (no license: the pages are listed all the same), built as ES modules exporting mount(),
 * self-contained (no other origin, no bare imports left for the browser), within the size budget; SSO's
 * console sign-in only when SSO is configured.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureEnterpriseConsoleBuilt, EE_CONSOLE_DIST_DIR } from './helpers/enterprise-console-build.js';
import { startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';

const EXPECTED = [
  { id: 'license', title: 'License', entry: 'license.js', scopes: ['admin'] },
  { id: 'audit', title: 'Audit log', entry: 'audit.js', scopes: ['admin'], entitlement: 'audit' },
  { id: 'usage', title: 'Usage', entry: 'usage.js', scopes: ['admin'], entitlement: 'metering' },
  { id: 'account', title: 'Account', entry: 'account.js' },
];

/** Every built JS file (entries and shared chunks). */
function builtScripts(dir = EE_CONSOLE_DIST_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return builtScripts(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

describe('enterprise console pages', () => {
  let server: EnterpriseTestServer;

  beforeAll(async () => {
    ensureEnterpriseConsoleBuilt();
    server = await startEnterpriseServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('registers License, Audit log, Usage and Account after core pages, with or without a license', () => {
    expect(server.app.sluiceEnterprise.license.status().state).toBe('none');
    const pages = server.app.sluice.extensions.console.pages();
    expect(pages.map((page) => page.id)).toEqual(EXPECTED.map((page) => page.id));
    for (const expected of EXPECTED) {
      const page = pages.find((p) => p.id === expected.id)!;
      expect(page).toMatchObject({ title: expected.title, entry: expected.entry, styles: ['enterprise-console.css'] });
      expect(page.scopes).toEqual(expected.scopes);
      expect(page.entitlement).toBe(expected.entitlement);
      // Core's own pages use 10..40.
      expect(page.order).toBeGreaterThan(40);
      expect(isAbsolute(page.assetsDir)).toBe(true);
      expect(relative(page.assetsDir, EE_CONSOLE_DIST_DIR)).toBe('');
    }
  });

  it('lists the pages in GET /console/manifest.json and serves every entry (JavaScript) and stylesheet (CSS)', async () => {
    const manifest = await fetch(`${server.url}/console/manifest.json`);
    expect(manifest.status).toBe(200);
    const body = (await manifest.json()) as {
      pages: { id: string; title: string; entry: string; styles: string[]; scopes: string[]; order: number }[];
      signIns: unknown[];
    };
    expect(body.pages.map((page) => page.id)).toEqual(EXPECTED.map((page) => page.id));
    expect(body.signIns).toEqual([]);
    for (const page of body.pages) {
      expect(page.entry).toBe(`/console/ext/${page.id}/${EXPECTED.find((p) => p.id === page.id)!.entry}`);
      const entry = await fetch(`${server.url}${page.entry}`);
      expect(entry.status, page.entry).toBe(200);
      expect(entry.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
      // The shared chunk the entry imports resolves under the same page folder.
      for (const [, chunk] of (await entry.text()).matchAll(/from\s*["']\.\/(chunks\/[^"']+)["']/g)) {
        const shared = await fetch(`${server.url}/console/ext/${page.id}/${chunk}`);
        expect(shared.status, chunk).toBe(200);
        expect(shared.headers.get('content-type')).toMatch(/javascript/);
      }
      expect(page.styles).toEqual([`/console/ext/${page.id}/enterprise-console.css`]);
      const css = await fetch(`${server.url}${page.styles[0]}`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    }
  });

  it('offers no SSO sign-in when SSO is not configured', () => {
    expect(server.app.sluice.extensions.console.signIns()).toEqual([]);
  });

  it('builds every entry as an ES module exporting mount(), plus the stylesheet', async () => {
    for (const page of server.app.sluice.extensions.console.pages()) {
      const module = (await import(pathToFileURL(join(page.assetsDir, page.entry)).href)) as { mount?: unknown };
      expect(typeof module.mount, page.entry).toBe('function');
      for (const style of page.styles ?? []) {
        const css = readFileSync(join(page.assetsDir, style), 'utf8');
        expect(css).toContain('.ee-page');
        expect(css, 'uPlot styles are bundled').toContain('.uplot');
      }
    }
  });

  it('loads nothing from another origin and leaves no bare import for the browser', () => {
    const scripts = builtScripts();
    expect(scripts.length).toBeGreaterThanOrEqual(EXPECTED.length);
    for (const file of scripts) {
      const code = readFileSync(file, 'utf8');
      const specifiers = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((match) => match[1]!);
      for (const specifier of specifiers) expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\.?\//);
      expect(code, file).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/i);
    }
  });

  it('stays well under 100 KB of JavaScript, gzipped', () => {
    const gzipped = builtScripts().reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    expect(gzipped).toBeLessThan(60 * 1024);
  });
});
