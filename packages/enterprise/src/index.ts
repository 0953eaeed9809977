/**
 * @sluice/enterprise: loaded by core through SLUICE_PLUGINS=@sluice/enterprise (or registered programmatically
 * with options). It plugs into core only through core's public API: the extension contract (entitlements,
 * events), fastify hooks, the shared database with its own migrations, and core's metrics registry.
 *
 * Without a license it loads, records nothing, and its routes answer 402 naming the entitlement that would
 * unlock them. Inference never depends on the license.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuditCounters, registerAuditMetrics } from './audit/audit-metrics.js';
import { outboxDropLogger } from './audit/outbox-drops.js';
import { createAuditRecorder } from './audit/audit-recorder.js';
import { applyRetention } from './audit/audit-retention.js';
import { auditRoutes } from './audit/audit-routes.js';
import { createAuditStore } from './audit/audit-store.js';
import { verifyAuditChain } from './audit/audit-verify.js';
import { createSiemForwarder } from './audit/siem-forwarder.js';
import { registerConsolePages } from './console/console-pages.js';
import { attachEnterpriseDatabase } from './db/enterprise-database.js';
import { registerLicenseMetrics } from './license/license-metrics.js';
import { licenseRoutes } from './license/license-routes.js';
import { howToUnlock } from './license/licensing-help.js';
import { createLicenseService } from './license/license-service.js';
import { loadTrustedKeys } from './license/trusted-keys.js';
import { createMeteringService } from './metering/metering-service.js';
import { installQuotaHook } from './metering/quota-hook.js';
import { createQuotaService } from './metering/quota-service.js';
import { usageRoutes } from './metering/usage-routes.js';
import { resolveOptions, type EnterprisePluginOptions } from './options.js';
import { lockedError } from './http/feature-gate.js';
import { ssoPlugin } from './sso/index.js';
import type { EnterpriseApi } from './enterprise-api.js';

export type { EnterprisePluginOptions } from './options.js';
export type { EnterpriseApi } from './enterprise-api.js';
export { EE_ERROR_CATALOGUE, type EeErrorCode } from './errors.js';
export { LICENSE_AUDIENCE, LICENSE_ISSUER, FEATURES } from './license/claims.js';
export type { LicenseState } from './license/license-state.js';

const RETENTION_INTERVAL_MS = 6 * 3_600_000;

async function enterprisePlugin(app: FastifyInstance, pluginOptions: EnterprisePluginOptions): Promise<void> {
  const options = resolveOptions(pluginOptions, process.env);
  const { clock } = options;
  const { extensions, database, metrics } = app.sluice;
  const db = attachEnterpriseDatabase(database);
  if (db.migrations.applied.length > 0) app.log.info({ applied: db.migrations.applied }, 'enterprise database migrated');

  // Audit storage first: the license service records its changes there.
  const counters = createAuditCounters();
  const store = createAuditStore(db, {
    ...(options.audit.siem?.maxPending !== undefined ? { outboxLimit: options.audit.siem.maxPending } : {}),
    onOutboxDropped: outboxDropLogger(counters, app.log, options.audit.siem?.maxPending),
  });
  const forwarder = options.audit.siem
    ? createSiemForwarder({ sqlite: database.sqlite, settings: options.audit.siem, logger: app.log })
    : undefined;
  registerAuditMetrics(metrics, counters, forwarder ? () => forwarder.pending() : undefined);
  let licenses: ReturnType<typeof createLicenseService> | undefined; // eslint-disable-line prefer-const -- assigned below, read by the recorder's closure first
  const recorder = createAuditRecorder({
    store,
    recording: () => licenses?.isActive('audit') ?? false,
    inferenceAudit: options.audit.inference,
    ...(forwarder ? { forwarder } : {}),
    counters,
    logger: app.log,
  });

  const keys = await loadTrustedKeys(options.trustedPublicKeys);
  licenses = createLicenseService({
    orm: db.orm,
    keys,
    clock,
    logger: app.log,
    policy: options.licensePolicy,
    sources: options.license,
    audit: recorder.sink,
    filePollMs: options.licenseFilePollMs,
    tickMs: options.licenseTickMs,
  });
  const license = licenses;
  await license.start();
  extensions.entitlements.provide(license.entitlements);
  registerLicenseMetrics(metrics, license);

  // Audit: core's events in (durable listeners: committed before the response), optional retention.
  const unsubscribe = recorder.subscribe(extensions.events);
  let retentionTimer: NodeJS.Timeout | undefined;
  if (options.audit.retentionDays > 0) {
    const prune = () => {
      if (!license.isActive('audit')) return;
      const result = applyRetention(db, store, options.audit.retentionDays, clock());
      if (result.deleted > 0) app.log.info({ deleted: result.deleted, anchorSeq: result.anchorSeq }, 'audit retention applied');
    };
    prune();
    retentionTimer = setInterval(prune, RETENTION_INTERVAL_MS);
    retentionTimer.unref();
  }

  // Metering and quotas.
  const metering = createMeteringService({ db, clock, logger: app.log, settings: options.metering });
  const quotas = createQuotaService({ db, clock, metering });
  const offInference = extensions.events.on('inference.completed', (event) => {
    if (!license.isActive('metering')) return;
    quotas.completed(event); // before record(): a first quota read then flushes usage without this event
    metering.record(event);
  });
  metering.start();
  installQuotaHook(app, { quotas, active: () => license.isActive('metering'), clock });

  await app.register(licenseRoutes, { licenses: license, audit: recorder.sink, clock });
  await app.register(auditRoutes, { db, store, licenses: license, clock });
  await app.register(usageRoutes, { db, metering, quotas, licenses: license, clock });
  // The console's License, Audit log, Usage and Account pages (listed with or without a license).
  registerConsolePages(extensions.console, app.log);
  // Single sign-on (src/sso, its own README): gated by the `sso` entitlement at request time.
  await app.register(ssoPlugin, { ...pluginOptions.sso, lockedError: () => lockedError(license, 'sso') });

  const api: EnterpriseApi = {
    license,
    audit: {
      store,
      sink: recorder.sink,
      verify: () => verifyAuditChain(database.sqlite),
      applyRetention: (days) => applyRetention(db, store, days, clock()),
      ...(forwarder ? { forwarder } : {}),
    },
    metering,
    quotas,
  };
  app.decorate('sluiceEnterprise', api);

  app.addHook('onClose', async () => {
    unsubscribe();
    offInference();
    license.stop();
    if (retentionTimer) clearInterval(retentionTimer);
    metering.stop();
    await forwarder?.stop();
  });

  const status = license.status();
  const active = status.features.filter((f) => f.active).map((f) => f.name);
  const trialNote = status.source === 'trial' ? ` (free trial until ${status.expiresAt})` : '';
  app.log.info(
    { plugin: '@sluice/enterprise', license: status.state, source: status.source, features: active },
    active.length > 0
      ? `enterprise plugin loaded: ${active.join(', ')} active${trialNote}`
      : `enterprise plugin loaded: no license unlocks features (state ${status.state}); enterprise routes answer 402 until one is installed or the trial is started. ${howToUnlock(status.trial)}`,
  );
}

export default fp(enterprisePlugin, { name: '@sluice/enterprise', fastify: '5.x' });

declare module 'fastify' {
  interface FastifyInstance {
    /** The enterprise services (programmatic API; present once the plugin is registered). */
    sluiceEnterprise: EnterpriseApi;
  }
}

/**
 * `sluice audit ...`, `sluice usage ...` and `sluice license ...`: core's CLI runs these when SLUICE_PLUGINS
 * names this package (`sluice-ee audit ...` is the same without it).
 */
export const cliCommands: Record<string, (argv: string[]) => Promise<number>> = {
  audit: (argv) => runEnterpriseCommand(['audit', ...argv]),
  usage: (argv) => runEnterpriseCommand(['usage', ...argv]),
  license: (argv) => runEnterpriseCommand(['license', ...argv]),
};

async function runEnterpriseCommand(argv: string[]): Promise<number> {
  const [{ main }, { UsageError }] = await Promise.all([import('./cli/sluice-ee.js'), import('./cli/cli-support.js')]);
  try {
    return await main(argv, 'sluice');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sluice: ${error.message}\n`);
    return 2;
  }
}
