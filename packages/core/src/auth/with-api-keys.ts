/** Opens the data directory's database (migrating it), runs one key operation, and closes it: the CLI's path. */
import { openCoreDatabase } from '../db/open.js';
import { createApiKeyService, type ApiKeyService } from './api-key-service.js';

export function withApiKeys<T>(dataDir: string, action: (apiKeys: ApiKeyService) => T): T {
  const database = openCoreDatabase(dataDir);
  try {
    return action(createApiKeyService({ database }));
  } finally {
    database.close();
  }
}
