/**
 * index.html as the server answers it: the built file with <link> hints added before </head>, so the browser
 * downloads what the app will ask for first while it is still downloading and running the app's script
 * (a cold first load otherwise waits for each in turn: script → session and manifest → plugin page module):
 * - a preload (as fetch) of GET /auth/session and GET /console/manifest.json. `crossorigin` gives the preload
 *   the mode and credentials of the app's own fetch() (cors, same-origin), which is what lets that fetch take
 *   the preloaded answer instead of asking again;
 * - at a page's URL: a modulepreload of the page's modules and a preload of its stylesheets: for core's pages
 *   their chunks (console-page-chunks.ts), for a plugin's page its entry and the modules it imports statically.
 * These are hints only (a browser that ignores them loads the same files later) and no inline script, so the
 * console's CSP is unchanged.
 */
import { createHash } from 'node:crypto';

/** What the app reads first, whatever the page (console/src/first-read.ts). */
export const FIRST_READS = ['/auth/session', '/console/manifest.json'] as const;

/** At most this many modules are followed from a plugin page's entry (its shared chunks; never a long chain). */
const MAX_PRELOADED_MODULES = 16;
/** Only the start of a module is searched: static imports come first in an ES module. */
const IMPORT_SCAN_CHARS = 4096;

/**
 * The relative specifiers of a module's static imports and re-exports (`import … from "./x.js"`, `import "./x.js"`,
 * `export … from "./x.js"`). Dynamic import() is not matched: it may never run.
 */
export function staticImports(source: string): string[] {
  const specifiers = new Set<string>();
  const head = source.slice(0, IMPORT_SCAN_CHARS);
  for (const match of head.matchAll(/(?:^|[;\s}])(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?["'](\.{1,2}\/[^"'\s]+)["']/g))
    specifiers.add(match[1]!);
  return [...specifiers];
}

/**
 * The URLs of a plugin page's entry and of the modules it imports statically, following imports inside the
 * page's folder (`readModule(url)` answers a module's source, or undefined when the folder has no such file).
 */
export async function pageModuleUrls(entry: string, readModule: (url: string) => Promise<string | undefined>): Promise<string[]> {
  const found: string[] = [];
  const queue = [entry];
  while (queue.length > 0 && found.length < MAX_PRELOADED_MODULES) {
    const url = queue.shift()!;
    if (found.includes(url)) continue;
    const source = await readModule(url);
    if (source === undefined) continue;
    found.push(url);
    for (const specifier of staticImports(source)) queue.push(new URL(specifier, `http://console${url}`).pathname);
  }
  return found;
}

const attribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The <link> hints for a page: the first reads, and the page's modules and stylesheets. */
export function shellHints(page?: { modules: readonly string[]; styles: readonly string[] }): string {
  const links = FIRST_READS.map((url) => `<link rel="preload" href="${url}" as="fetch" crossorigin>`);
  for (const url of page?.modules ?? []) links.push(`<link rel="modulepreload" href="${attribute(url)}">`);
  // The console links stylesheets with crossorigin (Vite's loader, plugin-page.tsx): the preload must match.
  for (const url of page?.styles ?? []) links.push(`<link rel="preload" href="${attribute(url)}" as="style" crossorigin>`);
  return links.join('\n    ');
}

/** index.html with the hints placed before </head> (at the end of the document if it has none). */
export function withHints(html: string, hints: string): { body: string; etag: string } {
  const at = html.search(/<\/head>/i);
  const body = at === -1 ? `${html}\n${hints}\n` : `${html.slice(0, at)}  ${hints}\n  ${html.slice(at)}`;
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}
