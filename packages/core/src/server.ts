/**
 * Runs the server: build the app, listen, and shut down gracefully on SIGTERM/SIGINT (refuse new work, let
 * in-flight requests finish and their responses be written out, close, release the models, exit 0).
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './app.js';
import type { ServerConfig } from './config.js';
import { trackTraffic } from './http/traffic-drain.js';

export interface RunningServer {
  app: FastifyInstance;
  address: string;
  /** Graceful stop; resolves when every in-flight request has finished (or the timeout passed). */
  stop(): Promise<void>;
}

export interface StartServerOptions extends Pick<BuildAppOptions, 'logStream'> {
  /** Runs once the port is bound, before anything is logged as listening (e.g. to print the first admin key). */
  onListening?: (app: FastifyInstance) => void;
}

/** The server could not start for a reason the operator can fix (port taken, directory not writable). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StartupError(
      `cannot use the data directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (set --data or SLUICE_DATA to a writable directory)`,
    );
  }
}

function listenError(error: NodeJS.ErrnoException, config: ServerConfig): Error {
  const where = `${config.host}:${config.port}`;
  if (error.code === 'EADDRINUSE')
    return new StartupError(`cannot listen on ${where}: the port is already in use (set --port or SLUICE_PORT)`);
  if (error.code === 'EACCES')
    return new StartupError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; set --port or SLUICE_PORT)`);
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new StartupError(`cannot listen on ${where}: no such local address (set --host or SLUICE_HOST)`);
  return error;
}

export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  if (!statSync(config.models, { throwIfNoEntry: false })?.isDirectory()) {
    throw new ConfigError('models', `the model repository ${config.models} is not a directory (set --models or SLUICE_MODELS)`);
  }
  prepareDataDir(config.data);
  const app = await buildApp({ ...config, logStream: options.logStream });
  const traffic = trackTraffic(app.server);
  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw listenError(error as NodeJS.ErrnoException, config);
  }
  options.onListening?.(app);
  app.log.info(
    { address, models: config.models, data: config.data, modelControl: config.modelControl, workers: config.workers },
    'sluice listening',
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      app.log.info('shutting down: finishing in-flight requests');
      // From here new requests get 503 and every response closes its connection.
      app.sluice.state.shuttingDown = true;
      await traffic.quiet({ idleGraceMs: config.keepAliveTimeoutMs, deadline });
      const timer = setTimeout(
        () => {
          app.log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout reached; closing remaining connections');
          app.server.closeAllConnections();
        },
        Math.max(0, deadline - Date.now()),
      );
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
    server.stop().then(
      () => process.exit(0),
      (error) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
