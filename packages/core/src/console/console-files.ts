/**
 * A folder of static files indexed once into a map (URL path → file, content type, ETag). Requests are answered
 * only from the map, so no request path, however encoded ("..%2f", "%2e%2e", backslashes, NUL), can reach a
 * file that was not in the folder when it was indexed. Symbolic links and dotfiles are not indexed; the index
 * is bounded in depth, file count and file size.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface IndexedFile {
  /** Absolute path on disk. */
  file: string;
  contentType: string;
  /** A strong ETag of the content at indexing time (quoted). */
  etag: string;
  size: number;
}

export interface FolderIndex {
  /** The folder indexed (absolute). */
  folder: string;
  /** Keyed by the path relative to the folder with '/' separators, e.g. "assets/index-3f2a.js". */
  files: ReadonlyMap<string, IndexedFile>;
}

const MAX_DEPTH = 12;
const MAX_FILES = 5_000;
/** Larger files are left out (a console asset is kilobytes; a plugin has no business serving archives). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Indexes a folder; a missing folder gives undefined (the console is not built). */
export function indexFolder(folder: string, onSkipped?: (relative: string, why: string) => void): FolderIndex | undefined {
  const root = path.resolve(folder);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return undefined;
  const files = new Map<string, IndexedFile>();
  const walk = (directory: string, prefix: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      onSkipped?.(prefix, 'too deep');
      return;
    }
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue;
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const absolute = path.join(directory, entry.name);
      // Only real directories and regular files: a symbolic link could point anywhere.
      if (entry.isDirectory()) walk(absolute, relative, depth + 1);
      else if (entry.isFile()) {
        if (files.size >= MAX_FILES) {
          onSkipped?.(relative, `more than ${MAX_FILES} files`);
          return;
        }
        const size = statSync(absolute).size;
        if (size > MAX_FILE_BYTES) {
          onSkipped?.(relative, `larger than ${MAX_FILE_BYTES} bytes`);
          continue;
        }
        const etag = `"${createHash('sha256').update(readFileSync(absolute)).digest('base64url').slice(0, 27)}"`;
        files.set(relative, { file: absolute, contentType: contentTypeOf(entry.name), etag, size });
      }
    }
  };
  walk(root, '', 0);
  return { folder: root, files };
}

/** True when an If-None-Match header names this ETag (or is "*"). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}
