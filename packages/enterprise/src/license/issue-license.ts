/**
 * Vendor side: make a signing key pair and issue licenses. Runs where the vendor's private key is (never in a
 * customer deployment, never committed). The customer's server only ever sees the public key (shipped in
 * keys/) and the license JWT.
 */
import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  SignJWT,
  type CryptoKey,
  type JWK,
  type KeyObject,
} from 'jose';
import { LICENSE_AUDIENCE, LICENSE_ISSUER } from './claims.js';

export interface VendorKeyPair {
  /** PKCS#8 PEM: keep it secret, outside any repository. */
  privateKeyPem: string;
  /** The public JWK to ship in packages/enterprise/keys/<name>.jwk.json. */
  publicJwk: JWK;
  /** RFC 7638 thumbprint, used as the license's `kid`. */
  kid: string;
}

export async function generateVendorKeyPair(): Promise<VendorKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(publicKey);
  const publicJwk: JWK = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, use: 'sig', alg: 'EdDSA' };
  return {
    privateKeyPem: await exportPKCS8(privateKey),
    publicJwk,
    kid: await calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! }),
  };
}

export interface LicenseTerms {
  licensee: string;
  entitlements: string[];
  limits?: Record<string, number>;
  /** Defaults to now. */
  notBefore?: Date;
  expiresAt: Date;
  /** Overrides the plugin's default grace period. */
  graceDays?: number;
  /** Defaults to a random UUID. */
  licenseId?: string;
  /** Overrides for tests of refusals (issuer/audience); defaults are what the plugin expects. */
  issuer?: string;
  audience?: string;
  issuedAt?: Date;
}

/** Signs a license with an Ed25519 private key (PEM string, CryptoKey or KeyObject). */
export async function issueLicense(privateKey: string | CryptoKey | KeyObject, terms: LicenseTerms): Promise<string> {
  const key = typeof privateKey === 'string' ? await importPKCS8(privateKey, 'EdDSA', { extractable: true }) : privateKey;
  const publicJwk = await exportJWK(key); // jose derives the public part (x) from a private key's export
  const kid = await calculateJwkThumbprint({ kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x! });
  const issuedAt = terms.issuedAt ?? new Date();
  return new SignJWT({
    licensee: terms.licensee,
    entitlements: terms.entitlements,
    limits: terms.limits ?? {},
    ...(terms.graceDays !== undefined ? { grace_days: terms.graceDays } : {}),
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid })
    .setIssuer(terms.issuer ?? LICENSE_ISSUER)
    .setAudience(terms.audience ?? LICENSE_AUDIENCE)
    .setSubject(terms.licensee)
    .setJti(terms.licenseId ?? randomUUID())
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setNotBefore(Math.floor((terms.notBefore ?? issuedAt).getTime() / 1000))
    .setExpirationTime(Math.floor(terms.expiresAt.getTime() / 1000))
    .sign(key);
}
