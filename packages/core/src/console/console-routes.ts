/**
 * The web console: core serves the built single-page app (packages/core/console-dist, or --console-dir) and the
 * pages plugins add (extensions.console.addPage), all public (the shell holds no data; every API call it makes
 * is authenticated):
 * - GET /, GET /console               → 302 /console/
 * - GET /console/, /console/<page>... → index.html (Cache-Control: no-cache) with preload hints for what the
 *                                       page reads first (console-shell.ts); the app routes in the browser
 * - GET /console/assets/*             → the built files (hashed names: cached for a year, immutable)
 * - GET /console/ext/<page>/*         → the files of a plugin page's assetsDir (Cache-Control: no-cache)
 * - GET /console/manifest.json        → product, version, sign-in methods and plugin pages
 * Files are answered only from an index of the folder (console-files.ts), never by joining a request path onto
 * a directory. Every response here carries the console's strict CSP (no inline script or style, nothing from
 * another origin). A console that is not built answers 404 SLUICE_ERR_CONSOLE_NOT_BUILT.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../errors.js';
import type { ConsolePage } from '../extensions.js';
import { SERVER_VERSION } from '../version.js';
import { errorResponseSchema } from '../api/error-handler.js';
import { chooseEncoding, compressedCopy, encodedEtag, isCompressible } from './console-compression.js';
import { etagMatches, indexFolder, type FolderIndex, type IndexedFile } from './console-files.js';
import { readPageChunks, type PageChunks } from './console-page-chunks.js';
import { pageModuleUrls, shellHints, withHints } from './console-shell.js';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
/** A folder missing or missing a file is looked at again at most this often (a build finishing while the server runs). */
const REINDEX_AFTER_MS = 2_000;

export interface ManifestPage {
  id: string;
  title: string;
  /** The module to import: /console/ext/<id>/<entry>. */
  entry: string;
  /** Stylesheets to link before mounting. */
  styles: string[];
  /** Any one of these shows the page (admin always does); empty: every signed-in principal. */
  scopes: string[];
  /** The entitlement the page is about, or null. */
  entitlement: string | null;
  order: number;
}

/** A folder's index, refreshed (at most every REINDEX_AFTER_MS) when the folder or a file is missing. */
class IndexedFolder {
  private index: FolderIndex | undefined;
  private indexedAt = 0;

  constructor(
    readonly folder: string,
    private readonly onSkipped: (relative: string, why: string) => void,
  ) {
    this.refresh();
  }

  private refresh(): void {
    this.indexedAt = Date.now();
    try {
      this.index = indexFolder(this.folder, this.onSkipped);
    } catch {
      this.index = undefined;
    }
  }

  private maybeRefresh(): void {
    if (Date.now() - this.indexedAt >= REINDEX_AFTER_MS) this.refresh();
  }

  /** False when the folder does not exist (checked again now and then). */
  exists(): boolean {
    if (!this.index) this.maybeRefresh();
    return this.index !== undefined;
  }

  lookup(relative: string): IndexedFile | undefined {
    const found = this.index?.files.get(relative);
    if (found) return found;
    this.maybeRefresh();
    return this.index?.files.get(relative);
  }

  size(): number {
    return this.index?.files.size ?? 0;
  }

  /** Makes the brotli copies of the files a browser will ask for, in the background (not on the event loop). */
  precompress(): void {
    for (const file of this.index?.files.values() ?? []) if (isCompressible(file)) compressedCopy(file, 'br').catch(() => undefined);
  }
}

function notBuilt(folder: string): SluiceError {
  return new SluiceError(
    'SLUICE_ERR_CONSOLE_NOT_BUILT',
    `the web console is not built (no ${path.basename(folder)} folder): run \`npm run build\` and restart, or set --console-dir`,
  );
}

function noFile(what: string): SluiceError {
  return new SluiceError('SLUICE_ERR_ROUTE_NOT_FOUND', `no console file ${JSON.stringify(what.slice(0, 200))}`);
}

/** The canonical key of a file inside a page's assetsDir ("./a/../b.js" → "b.js"). */
function keyInside(folder: string, file: string): string {
  return path.relative(folder, path.resolve(folder, file)).split(path.sep).join('/');
}

function extUrl(id: string, key: string): string {
  return `/console/ext/${id}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export function manifestPage(page: ConsolePage): ManifestPage {
  return {
    id: page.id,
    title: page.title,
    entry: extUrl(page.id, keyInside(page.assetsDir, page.entry)),
    styles: (page.styles ?? []).map((style) => extUrl(page.id, keyInside(page.assetsDir, style))),
    scopes: [...(page.scopes ?? [])],
    entitlement: page.entitlement ?? null,
    order: page.order ?? 100,
  };
}

const wildcardParams = {
  type: 'object',
  properties: { '*': { type: 'string', description: 'A path inside the folder' } },
  required: ['*'],
} as const;
const htmlResponse = {
  200: { description: 'index.html (Cache-Control: no-cache)', content: { 'text/html': { schema: { type: 'string' } } } },
  404: errorResponseSchema,
};
const fileResponse = (cache: string) => ({
  200: { description: `The file (ETag; Cache-Control: ${cache})`, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
  304: { description: 'Not modified (If-None-Match)', type: 'null' },
  404: errorResponseSchema,
});
const redirect = { 302: { description: 'Location: /console/', type: 'null' } };

const manifestSchema = {
  type: 'object',
  properties: {
    product: { type: 'string' },
    version: { type: 'string' },
    signIns: {
      type: 'array',
      description: 'Sign-in methods beside the API key (extensions.console.addSignIn)',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          label: { type: 'string' },
          href: { type: 'string' },
          signOutHref: { type: 'string' },
          principalKind: { type: 'string' },
          errorMessages: {
            type: 'object',
            description: 'What the sign-in page says for /console/?signin_error=<code>, by error code',
            additionalProperties: { type: 'string' },
          },
        },
        required: ['id', 'label', 'href'],
      },
    },
    pages: {
      type: 'array',
      description: "Plugins' pages (extensions.console.addPage), in navigation order; core's own pages are built into the app",
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          entry: { type: 'string', description: 'The ES module exporting mount(element, context)' },
          styles: { type: 'array', items: { type: 'string' } },
          scopes: {
            type: 'array',
            items: { type: 'string' },
            description: 'Any one shows the page (admin always does); empty: every signed-in principal',
          },
          entitlement: { type: 'string', nullable: true },
          order: { type: 'integer' },
        },
        required: ['id', 'title', 'entry', 'styles', 'scopes', 'entitlement', 'order'],
      },
    },
  },
  required: ['product', 'version', 'signIns', 'pages'],
  example: {
    product: 'Sluice',
    version: SERVER_VERSION,
    signIns: [
      {
        id: 'sso',
        label: 'Sign in with SSO',
        href: '/auth/sso/login?return_to=/console/',
        signOutHref: '/auth/sso/logout',
        principalKind: 'oidc',
      },
    ],
    pages: [
      {
        id: 'license',
        title: 'License',
        entry: '/console/ext/license/license.js',
        styles: ['/console/ext/license/license.css'],
        scopes: ['admin'],
        entitlement: null,
        order: 50,
      },
    ],
  },
} as const;

export async function consoleRoutes(app: FastifyInstance, options: { dir: string }): Promise<void> {
  const { extensions } = app.sluice;
  const skipped = (folder: string) => (relative: string, why: string) =>
    app.log.warn({ folder, file: relative, why }, 'console: a file is not served');
  const shell = new IndexedFolder(options.dir, skipped(options.dir));
  if (shell.exists()) {
    app.log.info({ folder: options.dir, files: shell.size() }, 'web console at /console/');
    shell.precompress();
  } else app.log.warn({ folder: options.dir }, 'the web console is not built (run `npm run build`); /console/ answers 404 until it is');
  const pageFolders = new Map<string, IndexedFolder>();
  /** A plugin page's indexed assetsDir (indexed on first use). */
  const pageFolder = (page: ConsolePage): IndexedFolder => {
    let folder = pageFolders.get(page.id);
    if (!folder) {
      folder = new IndexedFolder(page.assetsDir, skipped(page.assetsDir));
      if (!folder.exists()) app.log.warn({ page: page.id, folder: page.assetsDir }, "console: a plugin page's assetsDir does not exist");
      folder.precompress();
      pageFolders.set(page.id, folder);
    }
    return folder;
  };

  // Every console response (errors included) carries the console's CSP instead of the JSON API's.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
  });

  async function sendFile(
    request: FastifyRequest,
    reply: FastifyReply,
    entry: IndexedFile,
    cacheControl: string,
    missing: () => SluiceError,
  ) {
    // Text files go compressed (brotli or gzip) to a client that accepts it (console-compression.ts).
    const encoding = chooseEncoding(entry, request.headers['accept-encoding']);
    const etag = encoding ? encodedEtag(entry.etag, encoding) : entry.etag;
    reply.header('cache-control', cacheControl).header('etag', etag);
    if (isCompressible(entry)) reply.header('vary', 'accept-encoding');
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    let body: Buffer;
    try {
      body = encoding ? await compressedCopy(entry, encoding) : await readFile(entry.file);
    } catch {
      throw missing(); // removed since it was indexed (a rebuild while running)
    }
    if (encoding) reply.header('content-encoding', encoding);
    return reply.type(entry.contentType).send(body);
  }

  /** A plugin page's module URLs (entry and static imports), read again only when its entry file changes. */
  const pageModules = new Map<string, { entryEtag: string; urls: string[] }>();
  async function pluginModules(page: ConsolePage, manifest: ManifestPage): Promise<string[]> {
    const folder = pageFolder(page);
    const prefix = `/console/ext/${page.id}/`;
    const fileOf = (url: string) => (url.startsWith(prefix) ? folder.lookup(decodeURIComponent(url.slice(prefix.length))) : undefined);
    const entryEtag = fileOf(manifest.entry)?.etag;
    if (!entryEtag) return [];
    const known = pageModules.get(page.id);
    if (known?.entryEtag === entryEtag) return known.urls;
    const urls = await pageModuleUrls(manifest.entry, async (url) => {
      const file = fileOf(url);
      return file && /\.m?js$/.test(file.file) ? readFile(file.file, 'utf8').catch(() => undefined) : undefined;
    });
    pageModules.set(page.id, { entryEtag, urls });
    return urls;
  }

  /** Core pages' chunks, read again when index.html changes (a new build). */
  let pageChunks: { indexEtag: string; pages: Map<string, PageChunks> } | undefined;
  function corePageChunks(index: IndexedFile): Map<string, PageChunks> {
    if (pageChunks?.indexEtag !== index.etag) pageChunks = { indexEtag: index.etag, pages: readPageChunks(options.dir) };
    return pageChunks.pages;
  }

  /** index.html with the hints for the page `pageId` names (console-shell.ts). */
  async function sendShell(request: FastifyRequest, reply: FastifyReply, pageId = '') {
    if (!shell.exists()) throw notBuilt(options.dir);
    const index = shell.lookup('index.html');
    if (!index) throw notBuilt(options.dir);
    let html: string;
    try {
      html = await readFile(index.file, 'utf8');
    } catch {
      throw notBuilt(options.dir); // removed since it was indexed (a rebuild while running)
    }
    const plugin = extensions.console.pages().find((p) => p.id === pageId);
    const manifest = plugin && manifestPage(plugin);
    const hints = shellHints(
      plugin && manifest ? { modules: await pluginModules(plugin, manifest), styles: manifest.styles } : corePageChunks(index).get(pageId),
    );
    const { body, etag } = withHints(html, hints);
    reply.header('cache-control', REVALIDATE).header('etag', etag);
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type(index.contentType).send(body);
  }

  const toConsole = async (_request: FastifyRequest, reply: FastifyReply) => reply.redirect('/console/', 302);
  app.get('/', { schema: { tags: ['console'], summary: 'Redirects to the web console (/console/)', response: redirect } }, toConsole);
  app.get('/console', { schema: { tags: ['console'], summary: 'Redirects to /console/', response: redirect } }, toConsole);
  app.get(
    '/console/',
    {
      schema: {
        tags: ['console'],
        summary: 'The web console (its HTML shell; sign in with an API key or another method)',
        response: htmlResponse,
      },
    },
    (request, reply) => sendShell(request, reply),
  );

  app.get(
    '/console/*',
    {
      schema: {
        tags: ['console'],
        summary: 'A console page (the app routes in the browser: index.html), or a file at the top of the console folder',
        params: wildcardParams,
        response: htmlResponse,
      },
    },
    async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      const relative = request.params['*'];
      const segments = relative.split('/');
      // Reserved folders, and paths no page has (dot segments, backslashes, NUL): a traversal attempt gets a 404.
      if (segments[0] === 'assets' || segments[0] === 'ext' || segments.some((s) => s === '.' || s === '..' || /[\\\0]/.test(s)))
        throw noFile(relative);
      if (!shell.exists()) throw notBuilt(options.dir);
      // A file of the folder's top level (favicon, robots.txt...); anything else is a page of the app. Page ids
      // have no dot: they are not looked up (a miss re-reads the folder, at most every 2 s).
      const file = relative !== 'index.html' && !relative.includes('/') && relative.includes('.') ? shell.lookup(relative) : undefined;
      if (file) return sendFile(request, reply, file, REVALIDATE, () => noFile(relative));
      return sendShell(request, reply, segments[0]);
    },
  );

  app.get(
    '/console/assets/*',
    {
      schema: {
        tags: ['console'],
        summary: "The console's built files (hashed names)",
        params: wildcardParams,
        response: fileResponse(IMMUTABLE),
      },
    },
    async (request: FastifyRequest<{ Params: { '*': string } }>, reply) => {
      if (!shell.exists()) throw notBuilt(options.dir);
      const relative = `assets/${request.params['*']}`;
      const file = shell.lookup(relative);
      if (!file) throw noFile(relative);
      return sendFile(request, reply, file, IMMUTABLE, () => noFile(relative));
    },
  );

  app.get(
    '/console/ext/:page/*',
    {
      schema: {
        tags: ['console'],
        summary: "A plugin console page's files (its assetsDir)",
        params: {
          type: 'object',
          properties: {
            page: { type: 'string', description: 'The page id' },
            '*': { type: 'string', description: 'A path inside its assetsDir' },
          },
          required: ['page', '*'],
        },
        response: fileResponse(REVALIDATE),
      },
    },
    async (request: FastifyRequest<{ Params: { page: string; '*': string } }>, reply) => {
      const { page: id, '*': relative } = request.params;
      const page = extensions.console.pages().find((p) => p.id === id);
      if (!page) throw noFile(`ext/${id}/${relative}`);
      const file = pageFolder(page).lookup(relative);
      if (!file) throw noFile(`ext/${id}/${relative}`);
      return sendFile(request, reply, file, REVALIDATE, () => noFile(`ext/${id}/${relative}`));
    },
  );

  app.get(
    '/console/manifest.json',
    {
      schema: {
        tags: ['console'],
        summary: "The console's manifest: version, sign-in methods, plugins' pages",
        response: { 200: manifestSchema },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', REVALIDATE).send({
        product: 'Sluice',
        version: SERVER_VERSION,
        signIns: extensions.console.signIns().map((method) => ({ ...method })),
        pages: extensions.console.pages().map(manifestPage),
      }),
  );
}
