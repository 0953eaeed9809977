/**
 * License administration (scope admin; available without a license, so one can be installed):
 * GET /admin/license shows the state, licensee, entitlements and expiry (never the key); PUT installs a new
 * key without a restart; DELETE removes the installed key (an environment/file key, else the trial, then
 * applies); POST /admin/license/trial starts this data directory's one free trial (201, or 409).
 */
import { actorOf } from '@sluice/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditSink } from '../audit/audit-record.js';
import type { Clock } from '../clock.js';
import { EnterpriseError } from '../errors.js';
import { ADMIN_ROUTE, doc } from '../http/route-scope.js';
import type { LicenseService } from './license-service.js';

function tokenOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body && typeof body === 'object' && typeof (body as { key?: unknown }).key === 'string') return (body as { key: string }).key;
  throw new EnterpriseError(
    'SLUICE_EE_ERR_BAD_REQUEST',
    'send the license key as {"key": "<license JWT>"} (application/json) or as the text/plain body',
  );
}

export async function licenseRoutes(
  app: FastifyInstance,
  options: { licenses: LicenseService; audit: AuditSink; clock: Clock },
): Promise<void> {
  const { licenses, audit, clock } = options;
  app.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  // Intent first (like core's `audited`): when the audit log cannot record it, the sink throws a 503 and the
  // license is not changed. The sink records license events even without the audit entitlement once the log was used.
  const record = (
    request: FastifyRequest,
    action: string,
    outcome: 'requested' | 'success' | 'failure',
    extra: { reason?: string; licenseId?: string; state?: string; detail?: Record<string, string> } = {},
  ) =>
    audit(
      {
        time: clock().toISOString(),
        action,
        outcome,
        actor: actorOf(request),
        ip: request.ip,
        requestId: request.id,
        resource: { type: 'license', ...(extra.licenseId ? { id: extra.licenseId } : {}) },
        ...(extra.reason ? { reason: extra.reason } : {}),
        ...(extra.state || extra.detail ? { detail: { ...extra.detail, ...(extra.state ? { state: extra.state } : {}) } } : {}),
      },
      { always: true, force: action === 'license.trial.start' },
    );

  app.get(
    '/admin/license',
    { ...ADMIN_ROUTE, schema: doc('The license state, licensee, entitlements and expiry (never the key itself)') },
    async () => licenses.status(),
  );

  app.put(
    '/admin/license',
    { ...ADMIN_ROUTE, bodyLimit: 64 * 1024, schema: doc('Install a license key (takes effect at once, no restart)') },
    async (request) => {
      const token = tokenOf(request.body);
      record(request, 'license.install', 'requested');
      try {
        const status = await licenses.install(token, request.principal?.id);
        record(request, 'license.install', 'success', {
          ...(status.licenseId ? { licenseId: status.licenseId } : {}),
          state: status.state,
        });
        return status;
      } catch (error) {
        if (error instanceof EnterpriseError) record(request, 'license.install', 'failure', { reason: error.message });
        throw error;
      }
    },
  );

  // The trial: once per data directory, no body. Its intent is recorded even into an empty log (`force`):
  // the trial is what turns the log on, and a trial that cannot be recorded does not start.
  app.post(
    '/admin/license/trial',
    { ...ADMIN_ROUTE, schema: doc('Start the free 30-day trial of every enterprise feature (once per data directory; no body)') },
    async (request, reply) => {
      record(request, 'license.trial.start', 'requested', { licenseId: 'trial' });
      try {
        const status = licenses.startTrial(request.principal?.id);
        record(request, 'license.trial.start', 'success', {
          licenseId: 'trial',
          state: status.state,
          detail: { startedAt: status.trial.startedAt!, endsAt: status.trial.endsAt! },
        });
        return reply.code(201).send(status);
      } catch (error) {
        if (error instanceof EnterpriseError)
          record(request, 'license.trial.start', 'failure', { licenseId: 'trial', reason: error.message });
        throw error;
      }
    },
  );

  app.delete(
    '/admin/license',
    { ...ADMIN_ROUTE, schema: doc('Remove the installed license key (an environment or file key then applies)') },
    async (request) => {
      const before = licenses.status();
      record(request, 'license.uninstall', 'requested', { ...(before.licenseId ? { licenseId: before.licenseId } : {}) });
      const status = await licenses.uninstall();
      record(request, 'license.uninstall', 'success', {
        ...(before.licenseId ? { licenseId: before.licenseId } : {}),
        state: status.state,
      });
      return status;
    },
  );
}
