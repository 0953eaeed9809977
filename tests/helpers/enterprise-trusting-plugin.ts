/**
 * For child-process tests: writes, into the test's own scratch directory, a program that embeds
 * @sluice/enterprise the way an OEM build would, trusting one extra public key through the plugin's
 * programmatic option. The key is written into the generated file: nothing in the source checkout reads a
 * trusted key from the environment (or anywhere a running server's configuration reaches), so a server
 * started from a checkout cannot be made to trust a key by setting a variable. Load it with
 * SLUICE_PLUGINS=<returned path>.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JWK } from 'jose';

const ENTERPRISE_ENTRY = path.resolve(import.meta.dirname, '..', '..', 'packages', 'enterprise', 'src', 'index.ts');

export function writeTrustingPlugin(dir: string, publicJwk: JWK): string {
  const file = path.join(dir, `trusting-plugin-${Date.now()}-${Math.random().toString(36).slice(2)}.mjs`);
  const fastifyPlugin = createRequire(import.meta.url).resolve('fastify-plugin');
  const { kty, crv, x } = publicJwk;
  writeFileSync(
    file,
    [
      `import fp from ${JSON.stringify(pathToFileURL(fastifyPlugin).href)};`,
      `import enterprisePlugin from ${JSON.stringify(pathToFileURL(ENTERPRISE_ENTRY).href)};`,
      `const trustedPublicKeys = [${JSON.stringify({ kty, crv, x })}];`,
      `export default fp(async (app) => { await app.register(enterprisePlugin, { trustedPublicKeys }); }, { name: 'enterprise-test-embedding', fastify: '5.x' });`,
      '',
    ].join('\n'),
  );
  return file;
}
