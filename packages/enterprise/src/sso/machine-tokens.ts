/**
 * Verifies IdP-issued JWT access tokens (machines calling the API with `Authorization: Bearer <jwt>`): the
 * signature against the IdP's JWKS (jose's remote key set: cached, refetched when a token names an unknown key
 * id, so a key rotation at the IdP is picked up without a restart), the algorithm against an allow-list of
 * asymmetric algorithms, the issuer, the audience, and expiry / not-before with a small clock tolerance.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { SsoConfig } from './config.js';
import type { OidcClient } from './oidc-client.js';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export type MachineTokenResult = { ok: true; claims: JWTPayload & { sub: string } } | { ok: false; reason: string };

export interface MachineTokenVerifier {
  /** True when the token is a JWT that names this IdP as its issuer (so this verifier must decide on it). */
  claims(token: string): boolean;
  verify(token: string): Promise<MachineTokenResult>;
}

/** Issuers compared without a trailing slash: `https://idp.example.com` and `https://idp.example.com/` are one. */
export function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

export function createMachineTokenVerifier(deps: { config: SsoConfig; oidc: OidcClient }): MachineTokenVerifier {
  const { config, oidc } = deps;
  const audience = config.machine?.audience ?? [];
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  function keySet() {
    keys ??= oidc.jwksUri().then(
      (uri) =>
        createRemoteJWKSet(uri, {
          cooldownDuration: config.jwksCooldownMs,
          cacheMaxAge: config.jwksCacheMaxAgeMs,
          timeoutDuration: config.httpTimeoutMs,
        }),
      (error: unknown) => {
        keys = undefined;
        throw error;
      },
    );
    return keys;
  }

  return {
    claims(token) {
      if (!JWT_SHAPE.test(token)) return false;
      try {
        decodeProtectedHeader(token);
        const { iss } = decodeJwt(token);
        return typeof iss === 'string' && sameIssuer(iss, config.issuer);
      } catch {
        return false;
      }
    },

    async verify(token) {
      let issuer: string;
      let jwks: ReturnType<typeof createRemoteJWKSet>;
      try {
        issuer = await oidc.issuer();
        jwks = await keySet();
      } catch {
        return { ok: false, reason: "the identity provider's signing keys could not be fetched; try again later" };
      }
      try {
        const { payload } = await jwtVerify(token, jwks, {
          issuer,
          audience,
          algorithms: config.algorithms,
          clockTolerance: config.clockToleranceSeconds,
          requiredClaims: ['exp', 'sub'],
        });
        // An ID token is proof of a login for one client, not an API credential.
        if (payload['nonce'] !== undefined) return { ok: false, reason: 'an ID token is not accepted as an access token' };
        return { ok: true, claims: payload as JWTPayload & { sub: string } };
      } catch (error) {
        return { ok: false, reason: reasonOf(error) };
      }
    },
  };
}

/** What went wrong, for the 401 message and the audit log (never the token itself). */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'the token was not issued for this server (audience)';
    if (error.claim === 'iss') return 'the token was not issued by the configured identity provider (issuer)';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'the token is not valid yet';
    return `the token's "${error.claim}" claim is not valid (${error.reason})`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this server does not accept';
  if (error instanceof errors.JWKSNoMatchingKey) return 'the token was signed by a key the identity provider does not publish';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return "the identity provider's signing keys could not be fetched; try again later";
  if (error instanceof errors.JOSEError) return `the token is not valid (${error.code})`;
  return "the identity provider's signing keys could not be fetched; try again later";
}
