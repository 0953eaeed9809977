/**
 * Which built files each of core's console pages needs beyond the app's entry, read from the build's
 * manifest (console-dist/.vite/manifest.json, written by Vite; not served, dotfiles are not indexed). The
 * console loads each page as its own chunk (console/src/core-page-modules.ts); the server names that chunk in
 * index.html so the browser downloads it beside the entry instead of after it (console-shell.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Core's page ids (the console's URLs /console/<id>) and the source module of each (core-page-modules.ts). */
export const CORE_PAGE_SOURCES: Readonly<Record<string, string>> = {
  '': 'src/pages/overview-page.tsx',
  models: 'src/pages/models-page.tsx',
  playground: 'src/pages/playground-page.tsx',
  keys: 'src/pages/keys-page.tsx',
};

export interface PageChunks {
  /** URLs of the page's JavaScript: its chunk and the chunks it imports that the entry does not load. */
  modules: string[];
  /** URLs of the page's stylesheets. */
  styles: string[];
}

interface ManifestChunk {
  file?: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}

/** The files of a manifest key and of its static imports, transitively (each key once). */
function closure(manifest: Record<string, ManifestChunk>, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key) || !manifest[key]) return seen;
  seen.add(key);
  for (const imported of manifest[key]!.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

/**
 * Each core page's chunks, by page id; empty when the build has no manifest (an older build, another
 * --console-dir): the console then loads the page's chunk after its entry, as without hints.
 */
export function readPageChunks(consoleDir: string, base = '/console/'): Map<string, PageChunks> {
  const pages = new Map<string, PageChunks>();
  let manifest: Record<string, ManifestChunk>;
  try {
    manifest = JSON.parse(readFileSync(path.join(consoleDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  } catch {
    return pages;
  }
  // What index.html loads already (the entry and its static imports) needs no hint.
  const entries = Object.keys(manifest).filter((key) => manifest[key]!.isEntry);
  const loaded = new Set(entries.flatMap((key) => [...closure(manifest, key)]));
  for (const [id, source] of Object.entries(CORE_PAGE_SOURCES)) {
    if (!manifest[source]) continue;
    const keys = [...closure(manifest, source)].filter((key) => !loaded.has(key));
    const files = (kind: 'file' | 'css') =>
      keys
        .flatMap((key) => (kind === 'file' ? [manifest[key]!.file ?? ''] : (manifest[key]!.css ?? [])))
        .filter((f) => /^[\w./-]+$/.test(f));
    pages.set(id, {
      modules: files('file')
        .filter((file) => file.endsWith('.js'))
        .map((file) => base + file),
      styles: files('css').map((file) => base + file),
    });
  }
  return pages;
}
