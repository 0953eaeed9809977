/**
 * ssoPlugin: single sign-on for Sluice, a fastify plugin registered by the enterprise plugin.
 * - reads and validates the configuration (options, else SLUICE_SSO_*; fails start-up naming a bad key);
 * - applies its own migrations (packages/enterprise/drizzle-sso, table sluice_enterprise_sso_migrations);
 * - registers the `sso-session` and `sso-jwt` auth strategies after core's API keys (break-glass keys keep
 *   working when the IdP is down or misconfigured);
 * - serves /auth/sso/* (see routes.ts); everything is gated by the `sso` entitlement at request time, so a
 *   license installed or expiring while the server runs takes effect at once.
 * Discovery runs in the background at start and again on demand: an unreachable IdP never stops the server.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runMigrations } from '@sluice/core';
import { resolveSsoConfig, type SsoPluginOptions } from './config.js';
import { createMachineTokenVerifier } from './machine-tokens.js';
import { createOidcClient } from './oidc-client.js';
import { ssoRoutes } from './routes.js';
import { SIGN_IN_ERROR_MESSAGES } from './sign-in-error-messages.js';
import { createSsoSessionStore } from './session-store.js';
import { createMachineTokenStrategy, createSessionStrategy, SESSION_PRINCIPAL_KIND } from './strategies.js';

/** SSO's committed migrations, from src/sso or dist/sso alike. */
export const SSO_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle-sso', import.meta.url));
export const SSO_MIGRATIONS_TABLE = 'sluice_enterprise_sso_migrations';
/** The entitlement every SSO route and strategy needs. */
export const SSO_ENTITLEMENT = 'sso';

const PURGE_INTERVAL_MS = 10 * 60_000;

async function sso(app: FastifyInstance, options: SsoPluginOptions): Promise<void> {
  const config = resolveSsoConfig(options);
  const { extensions, database } = app.sluice;
  const entitled = () => extensions.entitlements.has(SSO_ENTITLEMENT);

  if (!config) {
    app.log.info('single sign-on is not configured (set SLUICE_SSO_ISSUER and the other SLUICE_SSO_* settings to enable it)');
    await app.register(ssoRoutes, { config: undefined, oidc: undefined, sessions: undefined, entitled, lockedError: options.lockedError });
    return;
  }

  const migrations = runMigrations(database, { folder: SSO_MIGRATIONS_FOLDER, table: SSO_MIGRATIONS_TABLE });
  if (migrations.applied.length > 0) app.log.info({ applied: migrations.applied }, 'single sign-on tables migrated');

  const oidc = createOidcClient(config);
  const sessions = config.login
    ? createSsoSessionStore({ database, ttlMs: config.session.ttlMs, idleMs: config.session.idleMs })
    : undefined;
  if (sessions) {
    extensions.auth.register(createSessionStrategy({ sessions, entitled }));
    // People sign in to the console through the IdP; the login lands on postLoginPath (default /console/).
    extensions.console.addSignIn({
      id: 'sso',
      label: 'Sign in with SSO',
      href: '/auth/sso/login',
      signOutHref: '/auth/sso/logout',
      principalKind: SESSION_PRINCIPAL_KIND,
      errorMessages: SIGN_IN_ERROR_MESSAGES,
    });
  }
  if (config.machine)
    extensions.auth.register(createMachineTokenStrategy({ config, verifier: createMachineTokenVerifier({ config, oidc }), entitled }));
  await app.register(ssoRoutes, { config, oidc, sessions, entitled, lockedError: options.lockedError });

  app.log.info(
    {
      issuer: config.issuer,
      browserLogin: config.login
        ? { clientId: config.login.clientId, redirectUri: config.login.redirectUri.href, scopes: config.login.scopes }
        : false,
      machineTokens: config.machine ? { audience: config.machine.audience, algorithms: config.algorithms } : false,
      roleClaim: config.roleClaim,
      roleMap: config.roleRules.map((rule) => `${rule.match}=${rule.role}`).join(','),
      entitled: entitled(),
    },
    'single sign-on configured',
  );

  let purge: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    oidc.configuration().then(
      () => app.log.info({ issuer: config.issuer }, 'single sign-on: identity provider discovered'),
      (error: Error) =>
        app.log.warn(
          { issuer: config.issuer, reason: error.message },
          'single sign-on: identity provider not reachable yet; will retry on the next login or token',
        ),
    );
    if (sessions) {
      purge = setInterval(() => {
        try {
          sessions.purgeExpired();
        } catch (error) {
          app.log.warn({ reason: (error as Error).message }, 'single sign-on: purging expired sessions failed');
        }
      }, PURGE_INTERVAL_MS);
      purge.unref();
    }
  });
  app.addHook('onClose', async () => clearInterval(purge));
}

export const ssoPlugin = fp<SsoPluginOptions>(sso, { name: '@sluice/enterprise-sso', fastify: '5.x' });
