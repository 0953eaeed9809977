/**
 * The signed-in session and the server's console manifest, as the browser sees them. Types come from core's
 * public extension contract (type-only imports: nothing of the server is bundled).
 */
import type { ConsoleSession, ConsoleSignIn, Scope } from '../../src/extensions.js';
import { api, ApiError, apiJson, errorOf } from './api.js';

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

/**
 * Ends the session. A session made by another sign-in method (e.g. SSO) is ended by that method first, while
 * the session still exists (it may need it to find the identity provider's logout). Resolves with the
 * provider's end-session URL when the person's browser should go there next (RP-initiated logout).
 */
export async function signOut(session: ConsoleSession, signIns: readonly ConsoleSignIn[]): Promise<{ redirect?: string }> {
  const method = signIns.find((m) => m.principalKind === session.kind && m.signOutHref);
  let redirect: string | undefined;
  if (method?.signOutHref) {
    const answer = await api(method.signOutHref, { method: 'POST', headers: { accept: 'application/json' } });
    if (!answer.ok && answer.status !== 401) throw await errorOf(answer);
    const body = (await answer.json().catch(() => ({}))) as { end_session_url?: unknown };
    if (typeof body.end_session_url === 'string' && /^https?:\/\//.test(body.end_session_url)) redirect = body.end_session_url;
  }
  // Already ended by the method above, or expired: either way the person is signed out.
  await apiJson<void>('DELETE', '/auth/session').catch((error: unknown) => {
    if (!(error instanceof ApiError && error.status === 401)) throw error;
  });
  return redirect ? { redirect } : {};
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
