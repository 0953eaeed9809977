/**
 * Browser-facing hardening: helmet's headers (nosniff, frame-ancestors, referrer policy, a locked-down CSP for
 * the JSON API; /docs sets its own CSP that allows the Swagger UI assets), and CORS only when origins are
 * configured (--cors-origins), never a wildcard. Sluice does not terminate TLS, so HSTS is left to the proxy.
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ConfigError } from '../errors.js';

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?$/;

async function securityPlugin(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    strictTransportSecurity: false,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  });
  const origins = app.sluice.config.corsOrigins;
  for (const origin of origins) {
    if (!ORIGIN.test(origin))
      throw new ConfigError('corsOrigins', `"${origin}" is not an origin like https://app.example.com (wildcards are not allowed)`);
  }
  if (origins.length > 0) {
    await app.register(cors, {
      origin: origins,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'inference-header-content-length', 'x-request-id'],
      exposedHeaders: [
        'x-request-id',
        'inference-header-content-length',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });
  }
}

export const security = fp(securityPlugin, { name: 'sluice-security', fastify: '5.x' });
