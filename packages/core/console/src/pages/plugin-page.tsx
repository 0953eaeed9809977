/**
 * A page a plugin adds: link its stylesheets, import its entry module (same origin, so script-src 'self'
 * allows it) and call mount(element, context); on leaving, call the unmount function it returned.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { navigate } from '../router.js';
import type { ConsolePageContext, ConsoleSession, ManifestPage } from '../session.js';

type PageModule = { mount?: (element: HTMLElement, context: ConsolePageContext) => void | (() => void) };

/** Only same-origin paths: the manifest comes from our server, but a URL to another origin must never load. */
function sameOriginPath(url: string): string {
  const resolved = new URL(url, window.location.origin);
  if (resolved.origin !== window.location.origin) throw new Error(`refusing to load "${url}": not on this server`);
  return resolved.pathname + resolved.search;
}

function linkStyles(urls: readonly string[]): HTMLLinkElement[] {
  return urls.map((url) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    // As Vite links the console's own stylesheets, so the preload index.html has for it matches (same origin).
    link.crossOrigin = '';
    link.href = sameOriginPath(url);
    link.dataset.consolePlugin = 'true';
    document.head.append(link);
    return link;
  });
}

export function PluginPage({ page, session }: { page: ManifestPage; session: ConsoleSession }) {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let unmount: (() => void) | undefined;
    let left = false;
    let links: HTMLLinkElement[] = [];
    // api() throws on a path that is not same-origin; the contract promises a rejected promise instead.
    const context: ConsolePageContext = { session, api: async (path, init) => api(path, init), navigate };
    const start = async (): Promise<void> => {
      links = linkStyles(page.styles ?? []);
      // The URL comes from the manifest at run time: Vite must leave this import alone.
      const module = (await import(/* @vite-ignore */ sameOriginPath(page.entry))) as PageModule;
      if (left) return;
      if (typeof module.mount !== 'function') throw new Error(`the page module ${page.entry} exports no mount() function`);
      const result = module.mount(host.current!, context);
      if (typeof result === 'function') unmount = result;
    };
    start()
      .catch((failure: unknown) => setError(`The page “${page.title}” could not be loaded: ${messageOf(failure)}`))
      .finally(() => setLoading(false));
    return () => {
      left = true;
      try {
        unmount?.();
      } finally {
        for (const link of links) link.remove();
        if (host.current) host.current.replaceChildren();
      }
    };
  }, [page.id]);

  // The plugin renders its own content (and its own h1) into the host; the console shows one only on failure.
  return (
    <>
      {error ? <PageHeader title={page.title} /> : null}
      <ErrorMessage message={error} />
      {loading ? <p class="visually-hidden">Loading {page.title}…</p> : null}
      <div ref={host} class="plugin-host" data-testid={`plugin-page-${page.id}`} />
    </>
  );
}
