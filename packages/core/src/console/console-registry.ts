/** The console extension point's registry (see ConsolePage in extensions.ts): checks pages once, at registration. */
import { isAbsolute, relative, resolve } from 'node:path';
import type { ConsolePage, ConsoleSignIn, SluiceExtensions } from '../extensions.js';

const PAGE_ID = /^[a-z][a-z0-9-]{0,31}$/;
/** Core's own pages; a plugin cannot take their place. */
export const CORE_CONSOLE_PAGE_IDS = ['overview', 'models', 'playground', 'keys', 'sign-in', 'assets', 'ext'] as const;

function insideFolder(folder: string, file: string): boolean {
  const path = relative(folder, resolve(folder, file));
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}

export function createConsoleRegistry(): SluiceExtensions['console'] {
  const pages: ConsolePage[] = [];
  const signIns: ConsoleSignIn[] = [];
  return {
    addPage(page) {
      if (!PAGE_ID.test(page.id)) throw new Error(`console page id "${page.id}" must match ${PAGE_ID}`);
      if ((CORE_CONSOLE_PAGE_IDS as readonly string[]).includes(page.id) || pages.some((p) => p.id === page.id))
        throw new Error(`a console page "${page.id}" already exists`);
      if (!isAbsolute(page.assetsDir)) throw new Error(`console page "${page.id}": assetsDir must be an absolute path`);
      for (const file of [page.entry, ...(page.styles ?? [])]) {
        if (!insideFolder(page.assetsDir, file)) throw new Error(`console page "${page.id}": "${file}" is not inside its assetsDir`);
      }
      pages.push(Object.freeze({ ...page }));
      pages.sort((a, b) => (a.order ?? 100) - (b.order ?? 100));
    },
    pages: () => pages,
    addSignIn(method) {
      if (signIns.some((m) => m.id === method.id)) throw new Error(`a console sign-in "${method.id}" already exists`);
      for (const href of [method.href, method.signOutHref]) {
        if (href !== undefined && !href.startsWith('/'))
          throw new Error(`console sign-in "${method.id}": "${href}" must be a same-origin path`);
      }
      signIns.push(Object.freeze({ ...method }));
    },
    signIns: () => signIns,
  };
}
