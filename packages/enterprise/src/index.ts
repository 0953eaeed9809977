/**
 * @sluice/enterprise: loaded by core through SLUICE_PLUGINS=@sluice/enterprise. It plugs into core only
 * through core's public API. Its features (license, SSO, audit, metering) arrive in their own folders; until a
 * license unlocks them the plugin is inert apart from telling the operator what it would unlock.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

async function enterprisePlugin(app: FastifyInstance): Promise<void> {
  app.log.info({ plugin: '@sluice/enterprise' }, 'enterprise plugin loaded: no license key, enterprise features are off');
}

export default fp(enterprisePlugin, { name: '@sluice/enterprise', fastify: '5.x' });
