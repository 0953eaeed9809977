/** The data directory for CLI verbs that work on it: --data, else SLUICE_DATA, else the config file, else the default. */
import { resolveConfig } from '../config.js';

export function resolveDataDir(values: { data?: string; config?: string }): string {
  return resolveConfig({ flags: { data: values.data, config: values.config } }).data;
}
