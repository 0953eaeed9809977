/**
 * Loads fastify plugin modules named in SLUICE_PLUGINS / `plugins` (e.g. @sluice/enterprise). Core knows them
 * only by the name the operator gives; a missing or failing plugin stops start-up with a clear message.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConfigError } from './errors.js';

export async function loadPlugins(app: FastifyInstance, names: string[]): Promise<void> {
  for (const name of names) {
    let module: { default?: unknown };
    try {
      module = (await import(name)) as { default?: unknown };
    } catch (error) {
      throw new ConfigError('plugins', `cannot load plugin "${name}": ${(error as Error).message}`);
    }
    const plugin = module.default;
    if (typeof plugin !== 'function') throw new ConfigError('plugins', `plugin "${name}" has no default export that is a fastify plugin`);
    try {
      await app.register(plugin as FastifyPluginAsync);
      await app.after();
    } catch (error) {
      throw new ConfigError('plugins', `plugin "${name}" failed to start: ${(error as Error).message}`);
    }
    app.log.info({ plugin: name }, 'plugin loaded');
  }
}
