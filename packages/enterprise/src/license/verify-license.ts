/**
 * Offline license verification with jose: the algorithm is pinned to EdDSA, the signature must verify against
 * a trusted key, and iss, aud, nbf and exp are checked. An authentic but expired license still verifies (its
 * claims are returned) because expiry starts a grace period rather than an outright refusal; everything else
 * that fails is refused with a reason a person can act on. The token itself never appears in a reason.
 */
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { LICENSE_ALGORITHMS, LICENSE_AUDIENCE, LICENSE_ISSUER, parseClaims, type LicenseClaims } from './claims.js';
import type { TrustedKey } from './trusted-keys.js';

export type Verification =
  | { ok: true; claims: LicenseClaims; kid: string }
  /** `notBefore` is set when the only problem is that the license is not valid yet. */
  | { ok: false; reason: string; notBefore?: Date };

const MAX_TOKEN_LENGTH = 16 * 1024;

function refusal(error: unknown): string {
  if (error instanceof errors.JOSEAlgNotAllowed) return `${error.message}: licenses must be signed with EdDSA (Ed25519)`;
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return `the license was not issued by ${LICENSE_ISSUER}`;
    if (error.claim === 'aud') return `the license is not meant for ${LICENSE_AUDIENCE} (wrong audience)`;
    return `the license's "${error.claim}" claim is not acceptable (${error.message})`;
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return `the license is malformed: ${error.message}`;
  if (error instanceof errors.JOSENotSupported) return `the license uses an unsupported construction: ${error.message}`;
  return `the license cannot be verified: ${(error as Error).message}`;
}

export async function verifyLicense(token: string, keys: readonly TrustedKey[], now: Date): Promise<Verification> {
  const jwt = token.trim();
  if (jwt === '') return { ok: false, reason: 'the license key is empty' };
  if (jwt.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'the license key is too long to be a Sluice license' };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(jwt);
    kid = typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return { ok: false, reason: 'the license key is not a JWT (expected three base64url parts separated by dots)' };
  }
  const candidates = kid !== undefined ? keys.filter((k) => k.kid === kid) : keys;
  if (candidates.length === 0) return { ok: false, reason: `the license is signed by a key this build does not trust (kid ${kid})` };

  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(jwt, candidate.key, {
        algorithms: LICENSE_ALGORITHMS,
        issuer: LICENSE_ISSUER,
        audience: LICENSE_AUDIENCE,
        requiredClaims: ['jti', 'iat', 'nbf', 'exp'],
        currentDate: now,
      });
      return { ok: true, claims: parseClaims(payload), kid: candidate.kid };
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue; // maybe another trusted key
      // jose checks the signature first, then iss/aud, then nbf, then exp: an expired license is authentic.
      if (error instanceof errors.JWTExpired) {
        try {
          return { ok: true, claims: parseClaims(error.payload), kid: candidate.kid };
        } catch (claimsError) {
          return { ok: false, reason: (claimsError as Error).message };
        }
      }
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
        const nbf = typeof error.payload.nbf === 'number' ? new Date(error.payload.nbf * 1000) : undefined;
        return {
          ok: false,
          reason: `the license is not valid before ${nbf?.toISOString() ?? 'its "nbf" time'}`,
          ...(nbf ? { notBefore: nbf } : {}),
        };
      }
      if (!(error instanceof errors.JOSEError)) return { ok: false, reason: (error as Error).message }; // parseClaims
      return { ok: false, reason: refusal(error) };
    }
  }
  return {
    ok: false,
    reason: 'the license signature does not verify against any trusted key (forged, tampered with, or signed by another vendor key)',
  };
}
