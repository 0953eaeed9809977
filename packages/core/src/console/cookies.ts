/**
 * The console session cookie, read and written without a cookie plugin: `sluice_session=<token>; Path=/;
 * HttpOnly; SameSite=Strict` (+ `Secure` when the browser reached Sluice over https, as fastify's
 * request.protocol says: the socket is TLS, or a proxy trusted by --trust-proxy sent X-Forwarded-Proto: https).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'sluice_session';
/** Session tokens are 32 random bytes in base64url; anything else in the cookie is ignored. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The session token the request's Cookie header carries (the first `sluice_session` wins), if well-formed. */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}

/** True when the request names the session cookie at all (even with a malformed value). */
export function hasSessionCookie(request: FastifyRequest): boolean {
  const header = request.headers.cookie;
  return header !== undefined && header.split(';').some((part) => part.split('=')[0]!.trim() === SESSION_COOKIE);
}

function serialize(value: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Strict',
  ];
  if (maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, token: string, maxAgeMs: number): void {
  reply.header('set-cookie', serialize(token, maxAgeMs / 1000, isHttps(request)));
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest): void {
  reply.header('set-cookie', serialize('', 0, isHttps(request)));
}
