/** Core's own pages, their navigation order and who may see them (the server refuses the rest anyway). */
import type { Scope } from './session.js';

export interface CorePage {
  id: string;
  title: string;
  /** Any one of these scopes shows the page; empty: every signed-in principal. */
  scopes: Scope[];
}

export const CORE_PAGES: readonly CorePage[] = [
  { id: '', title: 'Overview', scopes: [] },
  { id: 'models', title: 'Models', scopes: ['models:read'] },
  { id: 'playground', title: 'Playground', scopes: ['infer'] },
  { id: 'keys', title: 'API keys', scopes: ['admin'] },
];
