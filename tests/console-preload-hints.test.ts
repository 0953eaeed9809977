/**
 * The preload hints the server puts into the console's index.html (console-shell.ts, console-page-chunks.ts),
 * checked against the real builds: core's console (each page's chunk, from Vite's manifest) and the enterprise
 * pages (each entry's static imports, found in the built module and present on disk).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_PAGE_SOURCES, readPageChunks } from '../packages/core/src/console/console-page-chunks.js';
import { pageModuleUrls, staticImports } from '../packages/core/src/console/console-shell.js';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from './helpers/console-build.js';

ensureConsoleBuilt();
const CONSOLE_SRC = path.resolve(import.meta.dirname, '..', 'packages', 'core', 'console');

describe('console preload hints', () => {
  it("names each core page's own chunk (not the entry's) and its stylesheets, files that exist", () => {
    const pages = readPageChunks(CONSOLE_DIST_DIR);
    expect([...pages.keys()].sort()).toEqual(Object.keys(CORE_PAGE_SOURCES).sort());
    const entry = /src="\/console\/(assets\/[^"]+\.js)"/.exec(readFileSync(path.join(CONSOLE_DIST_DIR, 'index.html'), 'utf8'))![1]!;
    for (const [id, chunks] of pages) {
      expect(chunks.modules.length, id).toBeGreaterThan(0);
      for (const url of [...chunks.modules, ...chunks.styles]) {
        expect(url).toMatch(/^\/console\/assets\/[\w.-]+\.(js|css)$/);
        expect(existsSync(path.join(CONSOLE_DIST_DIR, url.slice('/console/'.length))), url).toBe(true);
        expect(url).not.toBe(`/console/${entry}`);
      }
    }
    // uPlot comes with the overview only.
    const withUplot = [...pages].filter(([, c]) =>
      c.modules.some((url) => readFileSync(path.join(CONSOLE_DIST_DIR, url.slice('/console/'.length)), 'utf8').includes('uplot')),
    );
    expect(withUplot.map(([id]) => id)).toEqual(['']);
  });

  it("maps the page ids to the modules the console's code imports for them", () => {
    const source = readFileSync(path.join(CONSOLE_SRC, 'src', 'core-page-modules.ts'), 'utf8');
    for (const [id, module] of Object.entries(CORE_PAGE_SOURCES)) {
      const importer = new RegExp(`${id ? id : "''"}: \\(\\) => import\\('\\./${module.slice('src/'.length).replace('.tsx', '.js')}'\\)`);
      expect(source).toMatch(importer);
    }
  });

  it('finds static imports and re-exports, never dynamic ones', () => {
    expect(
      staticImports(
        'import{a as b}from"./chunks/shared-1.js";import"./side.js";export{c}from\'../up.js\';const x=import("./lazy.js");import * as ns from "./ns.js"',
      ),
    ).toEqual(['./chunks/shared-1.js', './side.js', '../up.js', './ns.js']);
    expect(staticImports('import x from "preact"')).toEqual([]); // bare names are not files of the page
  });

  it("follows an enterprise page's entry to the shared chunk it imports", async () => {
    const assets = path.resolve(import.meta.dirname, '..', 'packages', 'enterprise', 'console-dist');
    const read = async (url: string) => {
      const file = path.join(assets, url.replace(/^\/console\/ext\/usage\//, ''));
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    };
    if (!existsSync(path.join(assets, 'usage.js'))) return expect.fail('build the enterprise console first: npm run build:console:ee');
    const urls = await pageModuleUrls('/console/ext/usage/usage.js', read);
    expect(urls[0]).toBe('/console/ext/usage/usage.js');
    expect(urls.some((url) => /^\/console\/ext\/usage\/chunks\/shared-[\w-]+\.js$/.test(url))).toBe(true);
    for (const url of urls) expect(await read(url)).toBeDefined();
  });
});
