/** The data directory for CLI verbs that work on it: --data, else SLUICE_DATA, else the config file, else the default. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../config.js';
import { DATABASE_FILE } from '../db/client.js';
import { ConfigError } from '../errors.js';

export function resolveDataDir(values: { data?: string; config?: string }): string {
  return resolveConfig({ flags: { data: values.data, config: values.config } }).data;
}

/**
 * For verbs that only read or change what is already there: a mistyped --data must not quietly create an
 * empty database and report on it.
 */
export function resolveExistingDataDir(values: { data?: string; config?: string }): string {
  const dir = resolveDataDir(values);
  if (!existsSync(path.join(dir, DATABASE_FILE))) {
    throw new ConfigError(
      'data',
      `${dir} holds no Sluice database (${existsSync(dir) ? `no ${DATABASE_FILE} there` : 'the directory does not exist'}); check --data or SLUICE_DATA`,
    );
  }
  return dir;
}
