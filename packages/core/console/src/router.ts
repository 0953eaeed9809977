/**
 * A small history-API router: the console lives under /console/, every page is a real URL (the server answers
 * index.html for each), and in-app links change the URL without reloading.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console/';

/** The page part of the current URL: '' for the overview, 'models', 'keys', a plugin id... */
export function currentPage(): string {
  const path = window.location.pathname;
  if (!path.startsWith(BASE)) return '';
  return decodeURIComponent(path.slice(BASE.length).split('/')[0] ?? '');
}

const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (!path.startsWith(BASE) && path !== '/console') throw new Error(`console paths start with ${BASE}, got "${path}"`);
  if (path !== window.location.pathname + window.location.search) window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** Re-renders the caller when the URL changes; returns the current page id. */
export function usePage(): string {
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    const update = (): void => setPage(currentPage());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return page;
}

export function pageHref(page: string): string {
  return page ? `${BASE}${encodeURIComponent(page)}` : BASE;
}

/** Click handler for in-app links: plain left clicks navigate in place; modified clicks open as usual. */
export function onLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}
