/**
 * The enterprise pages of the web console, contributed through core's console extension point. Their pre-built
 * modules live in packages/enterprise/console-dist (built from console/ by `npm run build:console`); the same
 * relative path reaches it from src/console and dist/console.
 *
 * Who sees what: License, Audit log and Usage call admin-only routes (/admin/license, /admin/audit,
 * /admin/usage, /admin/quotas), so they need the admin scope; metrics:read is not enough because the usage
 * routes answer admins only. Account shows the caller's own session and is there for everyone signed in.
 * Without a license the pages stay listed and explain what the entitlement would unlock.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsolePage, SluiceExtensions } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';

export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../console-dist', import.meta.url));
export const CONSOLE_STYLESHEET = 'enterprise-console.css';

/** After core's own pages (10 Overview … 40 API keys). */
export const ENTERPRISE_CONSOLE_PAGES: readonly Omit<ConsolePage, 'assetsDir' | 'styles'>[] = [
  { id: 'license', title: 'License', entry: 'license.js', scopes: ['admin'], order: 50 },
  { id: 'audit', title: 'Audit log', entry: 'audit.js', scopes: ['admin'], entitlement: 'audit', order: 60 },
  { id: 'usage', title: 'Usage', entry: 'usage.js', scopes: ['admin'], entitlement: 'metering', order: 70 },
  { id: 'account', title: 'Account', entry: 'account.js', order: 90 },
];

export function registerConsolePages(
  registry: SluiceExtensions['console'],
  logger: FastifyBaseLogger,
  assetsDir = CONSOLE_ASSETS_DIR,
): void {
  const missing = ENTERPRISE_CONSOLE_PAGES.filter((page) => !existsSync(join(assetsDir, page.entry)));
  if (missing.length > 0) {
    logger.warn(
      { assetsDir, missing: missing.map((page) => page.entry) },
      'enterprise console pages are not built (run `npm run build:console -w @sluice/enterprise`); they will fail to load in the console',
    );
  }
  for (const page of ENTERPRISE_CONSOLE_PAGES) registry.addPage({ ...page, assetsDir, styles: [CONSOLE_STYLESHEET] });
}
