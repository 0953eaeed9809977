/**
 * A real Sluice for the browser tests, on an ephemeral loopback port, serving the console and the console test
 * repository (every demo model, sentiment with two versions): core alone, or with @sluice/enterprise registered
 * and no license (what a person who just installed it sees, before starting a trial).
 */
import type { EnterprisePluginOptions } from '../../../packages/enterprise/src/index.js';
import { startEnterpriseServer } from '../../helpers/enterprise-server.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { consoleModelRepository } from './console-models.js';

export interface ConsoleServer extends TestServer {
  /** The admin API key's token (what a person pastes into the sign-in page). */
  adminToken: string;
  /** The server's origin, e.g. http://127.0.0.1:41234: every request the browser makes must go there. */
  origin: string;
}

function withToken(server: TestServer, remove: () => void): ConsoleServer {
  const close = server.close.bind(server);
  return {
    ...server,
    adminToken: server.auth.authorization!.replace(/^Bearer /, ''),
    origin: new URL(server.url).origin,
    async close() {
      await close();
      remove();
    },
  };
}

export async function startConsoleServer(): Promise<ConsoleServer> {
  const models = consoleModelRepository();
  try {
    return withToken(await startTestServer({ models: models.dir, workers: 1 }, { ownPlugins: true }), models.remove);
  } catch (error) {
    models.remove();
    throw error;
  }
}

/** With the enterprise plugin and no license; metering flushes quickly so the usage page has data within the test. */
export async function startEnterpriseConsoleServer(plugin: EnterprisePluginOptions = {}): Promise<ConsoleServer> {
  const models = consoleModelRepository();
  try {
    const server = await startEnterpriseServer({
      core: { models: models.dir, workers: 1 },
      plugin: { metering: { flushMs: 200 }, ...plugin },
    });
    return withToken(server, models.remove);
  } catch (error) {
    models.remove();
    throw error;
  }
}
