/**
 * The signed-in session and the server's console manifest, as the browser sees them. Types come from core's
 * public extension contract (type-only imports: nothing of the server is bundled).
 */
import type { ConsoleSession, ConsoleSignIn, Scope } from '../../src/extensions.js';
import { ApiError, apiJson } from './api.js';

export type { ConsolePageContext, ConsoleSession, ConsoleSignIn, Scope } from '../../src/extensions.js';

/** A plugin page as GET /console/manifest.json lists it (entry and styles are URLs by then). */
export interface ManifestPage {
  id: string;
  title: string;
  entry: string;
  styles?: string[];
  scopes?: Scope[];
  entitlement?: string;
  order?: number;
}

export interface ConsoleManifest {
  product: string;
  version: string;
  signIns: ConsoleSignIn[];
  pages: ManifestPage[];
}

/** True when the session may use something that accepts any of `accepted` (admin may use everything). */
export function allows(session: ConsoleSession, ...accepted: Scope[]): boolean {
  return session.scopes.includes('admin') || accepted.some((scope) => session.scopes.includes(scope));
}

/** The current session, or null when nobody is signed in (401). */
export async function fetchSession(): Promise<ConsoleSession | null> {
  try {
    return await apiJson<ConsoleSession>('GET', '/auth/session');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function signInWithKey(apiKey: string): Promise<ConsoleSession> {
  return apiJson<ConsoleSession>('POST', '/auth/session', { apiKey });
}

/** Ends the console session, and the sign-in method's own session when it made this one (e.g. SSO). */
export async function signOut(session: ConsoleSession, signIns: readonly ConsoleSignIn[]): Promise<void> {
  await apiJson<void>('DELETE', '/auth/session');
  const method = signIns.find((m) => m.principalKind === session.kind && m.signOutHref);
  if (method?.signOutHref) await apiJson<unknown>('POST', method.signOutHref).catch(() => undefined);
}

const EMPTY_MANIFEST: ConsoleManifest = { product: 'Sluice', version: '', signIns: [], pages: [] };

/** The manifest; when it cannot be read the console still works with core's pages and the API key sign-in. */
export async function fetchManifest(): Promise<ConsoleManifest> {
  try {
    const manifest = await apiJson<Partial<ConsoleManifest>>('GET', '/console/manifest.json');
    return {
      product: manifest.product ?? EMPTY_MANIFEST.product,
      version: manifest.version ?? '',
      signIns: Array.isArray(manifest.signIns) ? manifest.signIns : [],
      pages: Array.isArray(manifest.pages) ? manifest.pages : [],
    };
  } catch {
    return EMPTY_MANIFEST;
  }
}

/** The plugin pages this session may open, in navigation order. */
export function visiblePages(manifest: ConsoleManifest, session: ConsoleSession): ManifestPage[] {
  return manifest.pages
    .filter((page) => !page.scopes || page.scopes.length === 0 || allows(session, ...page.scopes))
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.title.localeCompare(b.title));
}
