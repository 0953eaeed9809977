/**
 * Who is signed in and what the server offers (session and manifest), read as soon as the script runs rather
 * than after the first render. The server's index.html preloads both URLs (console-shell.ts), so the first
 * read usually finds them already downloaded. Once the session is known, the current page's module starts
 * downloading while the shell renders.
 */
import { corePageModule } from './core-page-modules.js';
import { currentPage } from './router.js';
import { fetchManifest, fetchSession, type ConsoleManifest, type ConsoleSession } from './session.js';

export type SessionAndManifest = [ConsoleSession | null, ConsoleManifest];

/** Reads the session and the manifest (in parallel). */
export async function readSessionAndManifest(): Promise<SessionAndManifest> {
  const [session, manifest] = await Promise.all([fetchSession(), fetchManifest()]);
  if (session) void corePageModule(currentPage());
  return [session, manifest];
}

let first: Promise<SessionAndManifest> | undefined = readSessionAndManifest();
// Handled by whoever takes it; this only keeps an early failure from counting as unhandled meanwhile.
first.catch(() => undefined);

/** The read started at start-up the first time; a fresh read afterwards (e.g. after signing in). */
export function takeSessionAndManifest(): Promise<SessionAndManifest> {
  const read = first ?? readSessionAndManifest();
  first = undefined;
  return read;
}
