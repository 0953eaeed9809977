/**
 * The console's server side, registered by buildApp unless --console off: sessions (an API key exchanged for
 * a cookie, session-routes.ts; the `console-session` auth strategy is registered in buildApp right after API
 * keys) and the console's files and manifest (console-routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { clearSessionCookie } from './cookies.js';
import { consoleRoutes } from './console-routes.js';
import { hadRefusedSessionCookie } from './session-strategy.js';
import { consoleSessionRoutes } from './session-routes.js';
import type { ConsoleSessionStore } from './session-store.js';

/** Expired sessions are deleted on sight; this sweep removes the ones nobody presents again. */
const PURGE_INTERVAL_MS = 10 * 60_000;

async function consolePlugin(app: FastifyInstance, options: { sessions: ConsoleSessionStore; dir: string }): Promise<void> {
  const { sessions } = options;
  // A refused session cookie (ended, unknown) is cleared with its 401, on every route: the browser stops
  // sending it, and another sign-in method (e.g. SSO) is asked on the next request.
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 401 && hadRefusedSessionCookie(request)) clearSessionCookie(reply, request);
  });
  const purge = setInterval(
    () => {
      try {
        sessions.purgeExpired();
      } catch (error) {
        app.log.warn({ reason: (error as Error).message }, 'console: purging expired sessions failed');
      }
    },
    Math.min(PURGE_INTERVAL_MS, Math.max(60_000, app.sluice.config.consoleSessionIdleMs)),
  );
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));

  await app.register(consoleSessionRoutes, { sessions });
  await app.register(consoleRoutes, { dir: options.dir });
}

export const consoleServer = fp(consolePlugin, { name: 'sluice-console', fastify: '5.x' });
