/** The one way the server and the CLI get the database: open `<data>/sluice.db` and bring core's schema up to date. */
import { openDatabase, type OpenDatabaseOptions, type SluiceDatabase } from './client.js';
import { migrateCore, type MigrationResult } from './migrate.js';

export function openCoreDatabase(dataDir: string, options: OpenDatabaseOptions = {}): SluiceDatabase & { migrations: MigrationResult } {
  const database = openDatabase(dataDir, options);
  try {
    return Object.assign(database, { migrations: migrateCore(database) });
  } catch (error) {
    database.close();
    throw error;
  }
}
