/**
 * The relying-party side of OpenID Connect, on openid-client: discovery (lazy, retried after a failure, so an IdP
 * that is down at start does not stop Sluice), the authorization request (code flow, PKCE S256, state, nonce),
 * the code exchange with every check (state, PKCE, nonce, ID token signature/issuer/audience/expiry), userinfo,
 * and the RP-initiated logout URL. Failures become SsoErrors with messages safe to show; secrets never appear.
 */
import * as oidc from 'openid-client';
import type { SsoConfig } from './config.js';
import { SsoError } from './errors.js';

export interface LoginRequest {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface LoginResult {
  /** ID token claims, completed with the userinfo claims when the IdP has a userinfo endpoint. */
  claims: Record<string, unknown>;
  subject: string;
  idToken: string | undefined;
}

export interface OidcClient {
  /** The discovered configuration; rejects with SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE while the IdP cannot be reached. */
  configuration(): Promise<oidc.Configuration>;
  /** The issuer exactly as the IdP's metadata spells it. */
  issuer(): Promise<string>;
  jwksUri(): Promise<URL>;
  beginLogin(): Promise<LoginRequest>;
  /** `query` is the callback's raw query string; `attempt` holds what beginLogin generated. */
  completeLogin(query: string, attempt: { state: string; nonce: string; codeVerifier: string }): Promise<LoginResult>;
  /** The IdP's end-session URL for this ID token, or undefined when the IdP does not support RP-initiated logout. */
  endSessionUrl(idToken: string | undefined): Promise<string | undefined>;
}

export function createOidcClient(config: SsoConfig): OidcClient {
  let discovered: Promise<oidc.Configuration> | undefined;
  const login = config.login;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(
        new URL(config.issuer),
        login?.clientId ?? 'sluice',
        login ? { client_secret: login.clientSecret } : undefined,
        login ? oidc.ClientSecretBasic(login.clientSecret) : oidc.None(),
        { execute: config.insecureIssuer ? [oidc.allowInsecureRequests] : [], timeout: Math.ceil(config.httpTimeoutMs / 1000) },
      )
      .catch((error: unknown) => {
        discovered = undefined; // try again on the next request
        throw new SsoError(
          'SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE',
          `the identity provider's discovery document at ${config.issuer} could not be used: ${describe(error)}`,
          { cause: error },
        );
      });
    return discovered;
  }

  function requireLogin(): NonNullable<SsoConfig['login']> {
    if (!login) throw new SsoError('SLUICE_EE_ERR_SSO_NOT_CONFIGURED', 'browser login is not configured on this server');
    return login;
  }

  return {
    configuration,

    async issuer() {
      return (await configuration()).serverMetadata().issuer;
    },

    async jwksUri() {
      const uri = (await configuration()).serverMetadata().jwks_uri;
      if (!uri) throw new SsoError('SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE', 'the identity provider publishes no jwks_uri');
      return new URL(uri);
    },

    async beginLogin() {
      const settings = requireLogin();
      const server = await configuration();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(server, {
        redirect_uri: settings.redirectUri.href,
        scope: settings.scopes.join(' '),
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },

    async completeLogin(query, attempt) {
      const settings = requireLogin();
      const server = await configuration();
      // The redirect URI as registered (not as this request's Host header says), with the IdP's parameters.
      const currentUrl = new URL(settings.redirectUri.href);
      currentUrl.search = query;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(server, currentUrl, {
          pkceCodeVerifier: attempt.codeVerifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw loginError(error);
      }
      const idClaims = tokens.claims();
      if (!idClaims) throw new SsoError('SLUICE_EE_ERR_SSO_ID_TOKEN_INVALID', 'the identity provider returned no ID token');
      let userinfo: Record<string, unknown> = {};
      if (server.serverMetadata().userinfo_endpoint && tokens.access_token) {
        try {
          userinfo = { ...(await oidc.fetchUserInfo(server, tokens.access_token, idClaims.sub)) };
        } catch (error) {
          throw new SsoError('SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE', `the identity provider's userinfo endpoint failed: ${describe(error)}`, {
            cause: error,
          });
        }
      }
      // The ID token's own claims (iss, aud, sub, ...) win over userinfo's.
      return { claims: { ...userinfo, ...idClaims }, subject: idClaims.sub, idToken: tokens.id_token };
    },

    async endSessionUrl(idToken) {
      const settings = requireLogin();
      const server = await configuration();
      if (!server.serverMetadata().end_session_endpoint) return undefined;
      const parameters: Record<string, string> = { client_id: settings.clientId };
      if (idToken) parameters['id_token_hint'] = idToken;
      if (settings.postLogoutRedirectUri) parameters['post_logout_redirect_uri'] = settings.postLogoutRedirectUri;
      return oidc.buildEndSessionUrl(server, parameters).href;
    },
  };
}

/** Maps openid-client's failures during the callback onto the catalogue. */
function loginError(error: unknown): SsoError {
  if (error instanceof oidc.AuthorizationResponseError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    return new SsoError('SLUICE_EE_ERR_SSO_IDP_ERROR', `the identity provider refused the login (${error.error}${description})`, {
      cause: error,
    });
  }
  if (error instanceof oidc.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : '';
    if (error.error === 'invalid_grant') {
      return new SsoError(
        'SLUICE_EE_ERR_SSO_CODE_REJECTED',
        `the identity provider refused the authorization code (invalid_grant${description}); start the login again`,
        { cause: error },
      );
    }
    // invalid_client and friends are the operator's configuration, not the user's mistake.
    return new SsoError(
      'SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE',
      `the identity provider's token endpoint answered ${error.error}${description}`,
      { cause: error },
    );
  }
  if (error instanceof oidc.ClientError) {
    if (mentionsNonce(error))
      return new SsoError(
        'SLUICE_EE_ERR_SSO_NONCE_MISMATCH',
        "the ID token's nonce does not match this login attempt; start the login again",
        { cause: error },
      );
    if (
      error.code?.startsWith('OAUTH_JWT') ||
      error.code === 'OAUTH_INVALID_RESPONSE' ||
      error.code === 'OAUTH_KEY_SELECTION_FAILED' ||
      error.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'
    ) {
      return new SsoError(
        'SLUICE_EE_ERR_SSO_ID_TOKEN_INVALID',
        `the identity provider's token response failed validation: ${describe(error)}`,
        { cause: error },
      );
    }
  }
  return new SsoError('SLUICE_EE_ERR_SSO_IDP_UNAVAILABLE', `the identity provider could not complete the login: ${describe(error)}`, {
    cause: error,
  });
}

function mentionsNonce(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current.message.includes('"nonce"')) return true;
    const cause = current.cause as { claim?: unknown } | undefined;
    if (cause && typeof cause === 'object' && cause.claim === 'nonce') return true;
  }
  return false;
}

/** The innermost useful message of an error chain (no stack, no secrets: openid-client never puts them there). */
export function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1)
    messages.push(current.message);
  return messages.filter((message, index) => messages.indexOf(message) === index).join(': ') || String(error);
}
