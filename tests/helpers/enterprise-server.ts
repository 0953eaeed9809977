/**
 * A real Sluice server with @sluice/enterprise registered programmatically (so a test can inject its own
 * trusted key pair and a fake clock), on an ephemeral loopback port with a temp data directory and an admin key.
 * Also: test vendor key pairs, licenses signed with them, and a settable clock.
 */
import { generateKeyPair, type CryptoKey, type JWK, exportJWK } from 'jose';
import type { BuildAppOptions } from '../../packages/core/src/app.js';
import enterprisePlugin, { type EnterprisePluginOptions } from '../../packages/enterprise/src/index.js';
import { issueLicense, type LicenseTerms } from '../../packages/enterprise/src/license/issue-license.js';
import { startTestServer, type TestServer } from './test-server.js';

export const DAY_MS = 86_400_000;

export interface TestVendor {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  issue(terms: Partial<LicenseTerms> & { expiresAt: Date }): Promise<string>;
}

export async function createTestVendor(): Promise<TestVendor> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateKey,
    publicKey,
    publicJwk: await exportJWK(publicKey),
    issue: (terms) => issueLicense(privateKey, { licensee: 'Test Customer', entitlements: ['audit', 'metering'], ...terms }),
  };
}

export interface TestClock {
  (): Date;
  set(date: Date): void;
  advance(ms: number): void;
}

/** A clock that starts at `start` and moves only when told to. */
export function createTestClock(start: Date): TestClock {
  let now = start.getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.set = (date) => (now = date.getTime());
  clock.advance = (ms) => (now += ms);
  return clock;
}

export type EnterpriseTestServer = TestServer & { logs: Record<string, any>[] };

/** startTestServer with the enterprise plugin registered programmatically (test keys, a test clock). */
export async function startEnterpriseServer(
  options: { plugin?: EnterprisePluginOptions; core?: BuildAppOptions; keepData?: boolean } = {},
): Promise<EnterpriseTestServer> {
  return startTestServer(options.core, {
    keepData: options.keepData,
    ownPlugins: true,
    beforeListen: (app) => app.register(enterprisePlugin, options.plugin ?? {}),
  }) as Promise<EnterpriseTestServer>;
}

export { request } from './test-server.js';

export const SENTIMENT_BODY = { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this'] }] };
