/**
 * Runs the server: build the app, listen, and shut down gracefully on SIGTERM/SIGINT (stop accepting, let
 * in-flight requests finish, release the models, exit 0).
 */
import { mkdirSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  app: FastifyInstance;
  address: string;
  /** Graceful stop; resolves when every in-flight request has finished (or the timeout passed). */
  stop(): Promise<void>;
}

export async function startServer(config: ServerConfig, options: Pick<BuildAppOptions, 'logStream'> = {}): Promise<RunningServer> {
  if (!statSync(config.models, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError('models', `the model repository ${config.models} is not a directory (set --models or SLUICE_MODELS)`);
  }
  mkdirSync(config.data, { recursive: true });
  const app = await buildApp({ ...config, ...options });
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info({ address, models: config.models, data: config.data, modelControl: config.modelControl, workers: config.workers }, 'sluice listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      app.log.info('shutting down: finishing in-flight requests');
      const timer = setTimeout(() => {
        app.log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout reached; closing remaining connections');
        app.server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      timer.unref();
      await app.close();
      clearTimeout(timer);
      app.log.info('shutdown complete');
    })();
    return stopping;
  };
  return { app, address, stop };
}

/** Wires SIGTERM/SIGINT to a graceful stop and exits 0 afterwards (1 if the stop itself failed). */
export function exitOnSignals(server: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'signal received');
    server.stop().then(() => process.exit(0), (error) => {
      server.app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
