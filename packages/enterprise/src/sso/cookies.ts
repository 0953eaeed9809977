/**
 * The two cookies SSO sets, read and written without a cookie plugin (core registers none):
 * - the session cookie `sluice_sso` (HttpOnly, SameSite=Lax, Path=/), whose value is the session token;
 * - the login-binding cookie `sluice_sso_login` (HttpOnly, SameSite=Lax, Path=/auth/sso), which ties a login
 *   attempt to the browser that started it, so a callback URL replayed into another browser is refused.
 * Both are Secure whenever the browser reaches Sluice over TLS (see isSecureRequest).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { normaliseAddress } from './config.js';

export const SESSION_COOKIE = 'sluice_sso';
export const LOGIN_COOKIE = 'sluice_sso_login';
export const LOGIN_COOKIE_PATH = '/auth/sso';

/** Cookie values SSO writes are base64url tokens; anything else is ignored. */
const VALUE = /^[A-Za-z0-9_-]{16,200}$/;

/** Reads one cookie from the Cookie header (the first occurrence wins, as browsers send the most specific first). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    return VALUE.test(value) ? value : undefined;
  }
  return undefined;
}

export interface CookieAttributes {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  secure: boolean;
}

export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [
    `${name}=${value}`,
    `Path=${attributes.path}`,
    `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (attributes.maxAge <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Adds a Set-Cookie header (fastify appends repeated set-cookie headers rather than replacing them). */
export function setCookie(reply: FastifyReply, name: string, value: string, attributes: CookieAttributes): void {
  reply.header('set-cookie', serializeCookie(name, value, attributes));
}

export function clearCookie(reply: FastifyReply, name: string, path: string, secure: boolean): void {
  setCookie(reply, name, '', { path, maxAge: 0, secure });
}

/**
 * True when the browser reached Sluice over TLS: the public redirect URI is https (so the browser uses https),
 * the socket itself is TLS, or a trusted proxy says so in X-Forwarded-Proto.
 */
export function isSecureRequest(request: FastifyRequest, options: { redirectUri?: URL; trustedProxies: ReadonlySet<string> }): boolean {
  if (options.redirectUri?.protocol === 'https:') return true;
  if (request.protocol === 'https') return true;
  const peer = request.socket.remoteAddress;
  if (!peer || !options.trustedProxies.has(normaliseAddress(peer))) return false;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}
