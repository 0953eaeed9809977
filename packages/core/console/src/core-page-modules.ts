/**
 * Core's pages as separate chunks (dynamic import): a first load downloads and evaluates the shell and the one
 * page it opens, not every page (uPlot goes with the overview; the playground's panels with the playground).
 * Each page module is imported at most once; `corePageModule` is called as soon as the session is known, so the
 * page's chunk downloads while the shell renders.
 */
import type { ComponentType } from 'preact';
import type { ConsoleSession } from './session.js';

export type CorePageComponent = ComponentType<{ session: ConsoleSession }>;

const IMPORTERS: Record<string, () => Promise<CorePageComponent>> = {
  '': () => import('./pages/overview-page.js').then((m) => m.OverviewPage),
  models: () => import('./pages/models-page.js').then((m) => m.ModelsPage),
  playground: () => import('./pages/playground-page.js').then((m) => m.PlaygroundPage),
  keys: () => import('./pages/keys-page.js').then((m) => m.KeysPage),
};

const started = new Map<string, Promise<CorePageComponent>>();
/** Pages whose module has arrived: rendered at once when the person comes back to them. */
export const loadedCorePages = new Map<string, CorePageComponent>();

/** Starts (once) loading a core page's module; undefined when `id` is not a core page. */
export function corePageModule(id: string): Promise<CorePageComponent> | undefined {
  const importer = IMPORTERS[id];
  if (!importer) return undefined;
  let promise = started.get(id);
  if (!promise) {
    promise = importer().then((component) => {
      loadedCorePages.set(id, component);
      return component;
    });
    // A failed import (server gone, a new build) may be tried again on the next visit.
    promise.catch(() => started.delete(id));
    started.set(id, promise);
  }
  return promise;
}
