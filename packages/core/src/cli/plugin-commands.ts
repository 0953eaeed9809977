/**
 * Commands contributed by plugins: a plugin module named in SLUICE_PLUGINS (or the config file's `plugins`) may
 * export `cliCommands`, a map of verb -> handler, so `sluice <verb> ...` works for it — e.g. the enterprise
 * package's `sluice audit verify`. Core knows the plugins only by the names the operator configured.
 */
import { resolveConfig } from '../config.js';
import { ConfigError } from '../errors.js';

/** A plugin's command: receives the arguments after the verb, resolves to the exit code. */
export type PluginCommand = (argv: string[]) => Promise<number>;

export interface PluginCommandModule {
  cliCommands?: Record<string, PluginCommand>;
}

/** The plugin command for `verb`, or undefined; plugins that fail to load are reported by name. */
export async function findPluginCommand(
  verb: string,
): Promise<{ plugin: string; command: PluginCommand } | { available: string[]; plugins: string[] }> {
  const { plugins } = resolveConfig({ flags: {} });
  const available: string[] = [];
  for (const plugin of plugins) {
    let module: PluginCommandModule;
    try {
      module = (await import(plugin)) as PluginCommandModule;
    } catch (error) {
      throw new ConfigError('plugins', `cannot load plugin "${plugin}" for its commands: ${(error as Error).message.split('\n')[0]}`);
    }
    const command = module.cliCommands?.[verb];
    if (command) return { plugin, command };
    for (const name of Object.keys(module.cliCommands ?? {})) available.push(name);
  }
  return { available, plugins };
}
