/**
 * A sign-in method (e.g. SSO) that fails sends the person back to /console/?signin_error=<code>. The code is read
 * once and dropped from the address bar; the words come from the method's own `errorMessages` in the manifest,
 * never from the URL, so a crafted link cannot put text of its choosing on the sign-in page.
 */
import type { ConsoleSignIn } from './session.js';

const CODE = /^SLUICE_[A-Z_]{1,64}$/;

export function takeSignInErrorCode(): string | undefined {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('signin_error');
  if (code === null) return undefined;
  url.searchParams.delete('signin_error');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return CODE.test(code) ? code : undefined;
}

export function signInErrorMessage(code: string, methods: readonly ConsoleSignIn[]): string {
  for (const method of methods) {
    const message = method.errorMessages?.[code];
    if (message) return message;
  }
  return `The sign-in did not complete (${code}). Sign in with an API key, or ask your administrator.`;
}
