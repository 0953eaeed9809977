/**
 * Compressed copies of the console's text files (JavaScript, CSS, JSON, SVG...), made once per file content
 * on the libuv thread pool (never on the event loop) and kept in memory. The
 * console's files are a few hundred kilobytes; a file over MAX_COMPRESSED_BYTES is always sent as it is.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { IndexedFile } from './console-files.js';

export type Encoding = 'br' | 'gzip';

const MIN_COMPRESSED_BYTES = 1024;
const MAX_COMPRESSED_BYTES = 4 * 1024 * 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|manifest\+json|wasm)|image\/svg\+xml)/;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** True when the file is sent compressed to a client that accepts it (its answers then vary on Accept-Encoding). */
export function isCompressible(file: IndexedFile): boolean {
  return file.size >= MIN_COMPRESSED_BYTES && file.size <= MAX_COMPRESSED_BYTES && COMPRESSIBLE.test(file.contentType);
}

/** The encoding to send a file in, from the request's Accept-Encoding (brotli first); undefined: as it is. */
export function chooseEncoding(file: IndexedFile, acceptEncoding: string | undefined): Encoding | undefined {
  if (!acceptEncoding || !isCompressible(file)) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name!.trim(), q === undefined ? 1 : Number(q));
  }
  if ((accepted.get('br') ?? 0) > 0) return 'br';
  if ((accepted.get('gzip') ?? 0) > 0) return 'gzip';
  return undefined;
}

/** Compressed copies by content (ETag) and encoding: a re-indexed folder finds its unchanged files' copies. */
const copies = new Map<string, Promise<Buffer>>();
/** Past this many copies the oldest go first (a long-running server through many rebuilds). */
const MAX_COPIES = 2_000;

/** The file compressed with `encoding` (made on first use, then kept). */
export function compressedCopy(file: IndexedFile, encoding: Encoding): Promise<Buffer> {
  const key = `${file.etag}:${encoding}`;
  let copy = copies.get(key);
  if (!copy) {
    copy = readFile(file.file).then((raw) =>
      encoding === 'br'
        ? brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength } })
        : gzipped(raw, { level: 9 }),
    );
    // A failure (the file removed by a rebuild) is not kept: the next request tries again.
    copy.catch(() => copies.delete(key));
    copies.set(key, copy);
    if (copies.size > MAX_COPIES) copies.delete(copies.keys().next().value!);
  }
  return copy;
}

/** The ETag of a compressed copy: a different representation, so a different strong ETag. */
export function encodedEtag(etag: string, encoding: Encoding): string {
  return `${etag.slice(0, -1)}-${encoding}"`;
}
