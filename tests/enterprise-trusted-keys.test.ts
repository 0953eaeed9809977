/**
 * "No runtime setting adds trusted keys; tests inject keys through the programmatic API" (DESIGN.md). A server
 * started from a source checkout loads plugins named by configuration (SLUICE_PLUGINS may name any file), so
 * no file in the checkout may turn configuration into a trusted key: no code reads a key-like variable, nor
 * passes the environment into `trustedPublicKeys`. The plugin's own options
 * resolver is the one place that sees both, and it ignores the environment for keys.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../packages/enterprise/src/options.js';
import { ROOT } from './helpers/cli-process.js';

const OPTIONS_RESOLVER = 'packages/enterprise/src/options.ts';

function checkoutFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\n').filter((file) => /\.(c|m)?(t|j)sx?$/.test(file) && !file.includes('node_modules/') && !file.includes('/dist/'));
}

describe('trusted license keys come only from the programmatic API', () => {
  it('no file in the checkout feeds the environment into trustedPublicKeys', () => {
    const offenders: string[] = [];
    for (const file of checkoutFiles()) {
      if (file === OPTIONS_RESOLVER || file === 'tests/enterprise-trusted-keys.test.ts') continue;
      let text: string;
      try {
        text = readFileSync(path.join(ROOT, file), 'utf8');
      } catch {
        continue; // deleted in the work tree
      }
      // A key-like variable read anywhere, or the environment on the line that passes trustedPublicKeys.
      if (/process\.env(\.|\[['"])\w*(TRUST|JWK|PUBLIC_KEY|LICENSE_KEYS)/.test(text)) offenders.push(file);
      else if (/trustedPublicKeys[^\n]*(process\.env|\benv\.|\benv\[)/.test(text)) offenders.push(file);
    }
    expect(offenders).toEqual([]);
  });

  it('the options resolver takes keys from the programmatic option only', () => {
    const env = Object.fromEntries(
      ['SLUICE_TRUSTED_KEYS', 'SLUICE_TRUSTED_PUBLIC_KEYS', 'SLUICE_TEST_TRUSTED_JWK', 'SLUICE_LICENSE_PUBLIC_KEY'].map((name) => [
        name,
        '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}',
      ]),
    );
    expect(resolveOptions({}, env).trustedPublicKeys).toEqual([]);
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
    expect(resolveOptions({ trustedPublicKeys: [jwk] }, env).trustedPublicKeys).toEqual([jwk]);
  });
});
