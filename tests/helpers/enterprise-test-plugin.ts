/**
 * For child-process tests: a program that embeds @sluice/enterprise the way an OEM build would, trusting one
 * extra public key through the plugin's programmatic option. The key comes from the test (an env variable read
 * here, in tests/, not by the enterprise package: nothing in packages/enterprise reads a key at runtime).
 * Load it with SLUICE_PLUGINS=<this file>.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import enterprisePlugin from '@sluice/enterprise';

export default fp(async (app: FastifyInstance) => {
  const jwk = process.env.SLUICE_TEST_TRUSTED_JWK;
  await app.register(enterprisePlugin, jwk ? { trustedPublicKeys: [JSON.parse(jwk)] } : {});
}, { name: 'enterprise-test-embedding', fastify: '5.x' });
