/**
 * The SSO error catalogue (SLUICE_EE_ERR_SSO_*): every error an SSO route answers carries one of these codes, its
 * HTTP status and a message safe to show. Refusals of bearer tokens on API routes go through core's auth hook
 * (401 SLUICE_ERR_UNAUTHENTICATED with the reason below as its message), so they need no code of their own.
 * The codes are documented in packages/enterprise/src/sso/README.md (and the enterprise README).
 */
import { CatalogueError } from '@sluice/core';

export const SSO_ERROR_CATALOGUE = {
  SLUICE_EE_ERR_SSO_NOT_CONFIGURED: {
    status: 404,
    summary:
      'Single sign-on (or the browser login part of it) is not configured on this server: set SLUICE_SSO_ISSUER, SLUICE_SSO_CLIENT_ID, SLUICE_SSO_CLIENT_SECRET and SLUICE_SSO_REDIRECT_URI.',
  },
  SLUICE_EE_ERR_SSO_BAD_REQUEST: {
    status: 400,
    summary: 'A parameter of an SSO route is malformed (e.g. return_to is not a path on this server).',
  },
  SLUICE_EE_ERR_SSO_STATE_MISMATCH: {
    status: 400,
    summary:
      'The login callback carried no state, an unknown, expired or already used state, or came back to another browser than the one that started the login. Start the login again.',
  },
  SLUICE_EE_ERR_SSO_IDP_ERROR: {
    status: 400,
    summary:
      'The identity provider answered the login with an error (e.g. access_denied when the user declined); the message carries its error code.',
  },
  SLUICE_EE_ERR_SSO_CODE_REJECTED: {
    status: 400,
    summary:
      'The identity provider refused to exchange the authorization code (invalid_grant: used twice, expired, or a PKCE verifier that does not match).',
  },
  SLUICE_EE_ERR_SSO_NONCE_MISMATCH: {
    status: 400,
    summary: "The ID token's nonce is not the one this login attempt sent: the response belongs to another authorization request.",
  },
  SLUICE_EE_ERR_SSO_ID_TOKEN_INVALID: {
    status: 400,
    summary: 'The ID token or the token response failed validation (signature, issuer, audience, expiry, missing claims).',
  },
  SLUICE_EE_ERR_SSO_NO_ROLE: {
    status: 403,
    summary: "The user's identity-provider claims map to no Sluice role (see SLUICE_SSO_ROLE_CLAIM and SLUICE_SSO_ROLE_MAP).",
  },
  SLUICE_EE_ERR_SSO_SESSION_REQUIRED: {
    status: 401,
    summary: 'The route needs an SSO session (the session cookie, or its token as `Authorization: Bearer sso_...`), and none was sent.',
  },
  SLUICE_EE_ERR_SSO_SESSION_EXPIRED: {
    status: 401,
    summary: 'The SSO session is unknown, logged out, idle for too long or past its absolute lifetime. Log in again.',
  },
  SLUICE_EE_ERR_SSO_TOO_MANY_LOGINS: {
    status: 429,
    summary: 'Too many logins are in progress at once (unfinished logins expire after 10 minutes); try again shortly.',
  },
  SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE: {
    status: 502,
    summary: 'The identity provider could not be reached or answered something unusable (discovery, token or userinfo endpoint).',
  },
} as const satisfies Record<string, { status: number; summary: string }>;

export type SsoErrorCode = keyof typeof SSO_ERROR_CATALOGUE;

/** An SSO error meant for the client: its message is safe to show (never a credential); never cached. */
export class SsoError extends CatalogueError<SsoErrorCode> {
  constructor(code: SsoErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, SSO_ERROR_CATALOGUE[code].status, message, { ...options, headers: { 'cache-control': 'no-store' } });
    this.name = 'SsoError';
  }
}
