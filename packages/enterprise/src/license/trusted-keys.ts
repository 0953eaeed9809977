/**
 * The public keys license signatures are checked against: those shipped in packages/enterprise/keys, plus any
 * the embedding program passes to the plugin (tests, an OEM build). Nothing read at runtime (environment,
 * config, routes) can add one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, exportJWK, importJWK, importSPKI, type CryptoKey, type JWK, type KeyObject } from 'jose';

/** A trusted key as the plugin accepts it: an Ed25519 public JWK, an SPKI PEM string, or a CryptoKey/KeyObject. */
export type PublicKeyInput = JWK | string | CryptoKey | KeyObject;

export interface TrustedKey {
  /** RFC 7638 thumbprint, matched against the license's `kid` header. */
  kid: string;
  key: CryptoKey;
  source: 'package' | 'programmatic';
}

export const SHIPPED_KEYS_FOLDER = fileURLToPath(new URL('../../keys', import.meta.url));

async function toJwk(input: PublicKeyInput): Promise<JWK> {
  if (typeof input === 'string') return exportJWK(await importSPKI(input, 'EdDSA', { extractable: true }));
  if ('kty' in input && typeof input.kty === 'string') return input as JWK;
  return exportJWK(input as CryptoKey);
}

async function trust(input: PublicKeyInput, source: TrustedKey['source']): Promise<TrustedKey> {
  const jwk = await toJwk(input);
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    throw new Error('a trusted license key must be an Ed25519 public key');
  if ('d' in jwk) throw new Error('a trusted license key must be a public key (this one holds a private part)');
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return { kid: await calculateJwkThumbprint(publicJwk), key: (await importJWK(publicJwk, 'EdDSA')) as CryptoKey, source };
}

export async function loadTrustedKeys(extra: readonly PublicKeyInput[] = [], folder = SHIPPED_KEYS_FOLDER): Promise<TrustedKey[]> {
  const files = readdirSync(folder)
    .filter((name) => name.endsWith('.jwk.json'))
    .sort();
  const keys: TrustedKey[] = [];
  for (const file of files) keys.push(await trust(JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as JWK, 'package'));
  for (const input of extra) keys.push(await trust(input, 'programmatic'));
  return keys;
}
