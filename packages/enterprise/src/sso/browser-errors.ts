/**
 * Login and callback are addresses a person's browser navigates to. An error there (no license, an IdP that is
 * down, a stale login state, no role) sends the person back to the console's sign-in page, which explains it,
 * instead of leaving them on a bare JSON document. Only the error CODE travels in the URL: the console words
 * the message itself, so a crafted link cannot put text of its choosing on the sign-in page.
 * Requests that are not a browser's navigation (API clients, scripts) keep the `{error, code}` answer.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

const BROWSER_ROUTES = new Set(['/auth/sso/login', '/auth/sso/callback']);
export const CONSOLE_SIGN_IN = '/console/';

function isPersonNavigating(request: FastifyRequest): boolean {
  // Browsers mark a top-level navigation with Sec-Fetch-Mode: navigate; scripts and API clients never send it.
  return request.method === 'GET' && BROWSER_ROUTES.has(request.routeOptions.url ?? '') && request.headers['sec-fetch-mode'] === 'navigate';
}

/** Registered inside the SSO routes' own (encapsulated) plugin: other routes keep core's error handler. */
export function sendBrowsersToSignIn(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    // Anything else goes on to the parent (core's) error handler, unchanged.
    if (!isPersonNavigating(request) || typeof error.code !== 'string' || !/^SLUICE_[A-Z_]+$/.test(error.code)) throw error;
    request.log.info({ code: error.code }, 'single sign-on: sent the browser back to the console sign-in page');
    return reply.header('cache-control', 'no-store').redirect(`${CONSOLE_SIGN_IN}?signin_error=${encodeURIComponent(error.code)}`, 303);
  });
}
