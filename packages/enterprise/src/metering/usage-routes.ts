/**
 * Usage and quota routes (scope admin). Usage reads work whenever usage data exists (licensed or not); setting
 * or removing quotas needs the `metering` entitlement. Quota changes are audited.
 */
import { audited, emitAudit } from '@sluice/core';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { EnterpriseDatabase } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import { featureGate } from '../http/feature-gate.js';
import { parseChoice, parseList, parseTime } from '../http/params.js';
import { ADMIN_ROUTE, doc } from '../http/route-scope.js';
import type { LicenseService } from '../license/license-service.js';
import { GRANULARITIES } from './buckets.js';
import { GROUP_BY_FIELDS, type MeteringService, type UsageQuery } from './metering-service.js';
import type { QuotaLimits, QuotaService } from './quota-service.js';
import { usageToCsv, usageToJson } from './usage-export.js';

type UsageParams = Partial<Record<'from' | 'to' | 'granularity' | 'group_by' | 'key' | 'format', string>>;

const LIMIT_FIELDS = ['requestsPerDay', 'requestsPerMonth', 'tokensPerDay', 'tokensPerMonth'] as const;

export function usageQueryOf(query: UsageParams, now: number): UsageQuery {
  const to = parseTime(query.to, 'to') ?? now + 1;
  const from = parseTime(query.from, 'from') ?? to - 30 * 86_400_000;
  if (from >= to) throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', '"from" must be before "to"');
  return {
    from,
    to,
    granularity: parseChoice(query.granularity, 'granularity', GRANULARITIES, 'day'),
    groupBy: query.group_by === 'none' ? [] : parseList(query.group_by, 'group_by', GROUP_BY_FIELDS, ['key', 'model']),
    ...(query.key ? { subject: query.key } : {}),
  };
}

function limitsOf(body: unknown): QuotaLimits {
  if (!body || typeof body !== 'object')
    throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `send a JSON object with any of ${LIMIT_FIELDS.join(', ')}`);
  const limits: QuotaLimits = {};
  for (const [name, value] of Object.entries(body)) {
    if (!(LIMIT_FIELDS as readonly string[]).includes(name))
      throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `unknown quota field "${name}" (known: ${LIMIT_FIELDS.join(', ')})`);
    if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0))
      throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `"${name}" must be a non-negative integer or null`);
    limits[name as keyof QuotaLimits] = value as number | null;
  }
  if (!LIMIT_FIELDS.some((f) => typeof limits[f] === 'number'))
    throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `set at least one of ${LIMIT_FIELDS.join(', ')}`);
  return limits;
}

export async function usageRoutes(
  app: FastifyInstance,
  options: { db: EnterpriseDatabase; metering: MeteringService; quotas: QuotaService; licenses: LicenseService; clock: Clock },
): Promise<void> {
  const { db, metering, quotas, licenses, clock } = options;
  const hasData = () => quotas.any() || db.core.sqlite.prepare('SELECT 1 FROM enterprise_usage LIMIT 1').get() !== undefined;
  const read = { ...ADMIN_ROUTE, onRequest: featureGate(licenses, 'metering', 'read', hasData) };
  const use = { ...ADMIN_ROUTE, onRequest: featureGate(licenses, 'metering', 'use', hasData) };

  app.get<{ Querystring: UsageParams }>(
    '/admin/usage',
    {
      ...read,
      schema: doc(
        'Usage per key/model/version/time bucket (from, to, granularity=minute|hour|day, group_by=key,model,version,time or none, key)',
      ),
    },
    async (request) => {
      const query = usageQueryOf(request.query, clock().getTime());
      return {
        from: new Date(query.from).toISOString(),
        to: new Date(query.to).toISOString(),
        granularity: query.granularity,
        groupBy: query.groupBy,
        rows: metering.usage(query),
      };
    },
  );

  app.get<{ Querystring: UsageParams }>(
    '/admin/usage/export',
    {
      ...read,
      schema: doc('Usage export for billing (format=csv|json; same parameters as /admin/usage)'),
    },
    async (request, reply) => {
      const query = usageQueryOf(request.query, clock().getTime());
      const format = parseChoice(request.query.format, 'format', ['csv', 'json'] as const, 'csv');
      emitAudit(request, { action: 'usage.export', outcome: 'success', resource: { type: 'usage' } });
      const rows = metering.usage(query);
      reply.header('content-disposition', `attachment; filename="sluice-usage.${format}"`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(usageToCsv(rows, query.groupBy));
      return reply.type('application/json; charset=utf-8').send(usageToJson(rows, query));
    },
  );

  app.get('/admin/quotas', { ...read, schema: doc('Every quota') }, async () => ({ quotas: quotas.list() }));

  app.get<{ Params: { subject: string } }>(
    '/admin/quotas/:subject',
    { ...read, schema: doc("A principal's quota and its usage in the current day and month") },
    async (request) => {
      const quota = quotas.get(request.params.subject);
      if (!quota) throw new EnterpriseError('SLUICE_EE_ERR_QUOTA_NOT_FOUND', `no quota is set for "${request.params.subject}"`);
      return { quota, usage: quotas.usage(request.params.subject) };
    },
  );

  app.put<{ Params: { subject: string } }>(
    '/admin/quotas/:subject',
    { ...use, schema: doc('Set (replace) the quota of a principal (API key id or subject)') },
    async (request) => {
      const limits = limitsOf(request.body);
      const quota = await audited(request, { action: 'quota.set', resource: { type: 'quota', id: request.params.subject } }, () =>
        quotas.set(request.params.subject, limits),
      );
      return { quota };
    },
  );

  app.delete<{ Params: { subject: string } }>(
    '/admin/quotas/:subject',
    { ...use, schema: doc('Remove the quota of a principal') },
    async (request) => {
      await audited(request, { action: 'quota.delete', resource: { type: 'quota', id: request.params.subject } }, () => {
        if (!quotas.remove(request.params.subject))
          throw new EnterpriseError('SLUICE_EE_ERR_QUOTA_NOT_FOUND', `no quota is set for "${request.params.subject}"`);
      });
      return { removed: request.params.subject };
    },
  );
}
