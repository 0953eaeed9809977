/**
 * Audit log routes (scope admin). Reading (query, export, verify) works whenever entries exist, licensed or
 * not, so data outlives a license; retention needs the `audit` entitlement. Every call is itself audited.
 */
import { Readable } from 'node:stream';
import { emitAudit } from '@sluice/core';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import { featureGate } from '../http/feature-gate.js';
import { parseChoice, parseLimit, parseTime } from '../http/params.js';
import { ADMIN_ROUTE, doc } from '../http/route-scope.js';
import type { LicenseService } from '../license/license-service.js';
import { auditCsvHeader, auditCsvLine, auditJsonLine } from './audit-export.js';
import { applyRetention, MAX_RETENTION_DAYS } from './audit-retention.js';
import { decodeCursor, type AuditFilters, type AuditStore } from './audit-store.js';
import { verifyAuditChain } from './audit-verify.js';

type FilterQuery = Partial<Record<'from' | 'to' | 'actor' | 'action' | 'resource_type' | 'resource_id' | 'outcome', string>>;

function filtersOf(query: FilterQuery): AuditFilters {
  const from = parseTime(query.from, 'from');
  const to = parseTime(query.to, 'to');
  return {
    ...(from !== undefined ? { from: new Date(from).toISOString() } : {}),
    ...(to !== undefined ? { to: new Date(to).toISOString() } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.resource_type ? { resourceType: query.resource_type } : {}),
    ...(query.resource_id ? { resourceId: query.resource_id } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
  };
}

export async function auditRoutes(
  app: FastifyInstance,
  options: { db: EnterpriseDatabase; store: AuditStore; licenses: LicenseService; clock: Clock },
): Promise<void> {
  const { db, store, licenses, clock } = options;
  // A log whose tables were tampered with (dropped) still "has data": reading and verify must show it.
  const hasData = () => {
    try {
      return store.chain().headSeq > 0;
    } catch {
      return true;
    }
  };
  const read = { ...ADMIN_ROUTE, onRequest: featureGate(licenses, 'audit', 'read', hasData) };
  const use = { ...ADMIN_ROUTE, onRequest: featureGate(licenses, 'audit', 'use', hasData) };

  app.get<{ Querystring: FilterQuery & { limit?: string; cursor?: string; order?: string } }>(
    '/admin/audit',
    {
      ...read,
      schema: doc(
        'Query the audit log (filters: from, to, actor, action (prefix*), resource_type, resource_id, outcome; cursor pagination)',
      ),
    },
    async (request) => {
      const filters = filtersOf(request.query);
      const limit = parseLimit(request.query.limit, 100, 1000);
      const order = parseChoice(request.query.order, 'order', ['asc', 'desc'] as const, 'desc');
      if (request.query.cursor) {
        try {
          decodeCursor(request.query.cursor);
        } catch {
          throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', '"cursor" is not a cursor this server returned');
        }
      }
      return store.query(filters, { limit, order, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
    },
  );

  app.get<{ Querystring: FilterQuery & { format?: string } }>(
    '/admin/audit/export',
    {
      ...read,
      schema: doc('Export the audit log as JSONL or CSV (same filters as the query), in seq order, with the chain hashes'),
    },
    async (request, reply) => {
      const filters = filtersOf(request.query);
      const format = parseChoice(request.query.format, 'format', ['jsonl', 'csv'] as const, 'jsonl');
      emitAudit(request, { action: 'audit.export', outcome: 'success', resource: { type: 'audit-log' } });
      const lines = function* () {
        if (format === 'csv') yield auditCsvHeader();
        for (const entry of store.iterate(filters)) yield format === 'csv' ? auditCsvLine(entry) : auditJsonLine(entry);
      };
      const stamp = clock().toISOString().slice(0, 10);
      reply.header('content-disposition', `attachment; filename="sluice-audit-${stamp}.${format}"`);
      reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      return reply.send(Readable.from(lines()));
    },
  );

  app.get(
    '/admin/audit/verify',
    {
      ...read,
      schema: doc('Verify the hash chain; names the first edited, deleted or reordered entry'),
    },
    async (request) => {
      const result = verifyAuditChain(db.core.sqlite);
      emitAudit(request, {
        action: 'audit.verify',
        outcome: result.ok ? 'success' : 'failure',
        resource: { type: 'audit-log' },
        ...(result.firstBad ? { reason: result.firstBad.message } : {}),
      });
      return result;
    },
  );

  app.post<{ Body: { olderThanDays?: unknown } }>(
    '/admin/audit/retention',
    {
      ...use,
      schema: doc('Delete entries older than N days now (the chain stays verifiable through an anchor)'),
    },
    async (request) => {
      const days = request.body?.olderThanDays;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
        throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `"olderThanDays" must be an integer from 1 to ${MAX_RETENTION_DAYS}`);
      }
      return applyRetention(db, store, days, clock());
    },
  );
}
