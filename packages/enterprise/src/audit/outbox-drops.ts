/**
 * What happens at the SIEM outbox's bound: the store drops the oldest undelivered entries; this counts them
 * (sluice_audit_siem_dropped_total) and warns at most once a minute with the number dropped since the last
 * warning, so a SIEM outage under a flood of audit events cannot also flood the log.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AuditCounters } from './audit-metrics.js';

const WARN_EVERY_MS = 60_000;

export function outboxDropLogger(counters: AuditCounters, logger: FastifyBaseLogger, limit: number | undefined): (dropped: number) => void {
  let unreported = 0;
  let lastWarning = -Infinity;
  return (dropped) => {
    counters.siemDropped += dropped;
    unreported += dropped;
    if (Date.now() - lastWarning < WARN_EVERY_MS) return;
    lastWarning = Date.now();
    logger.warn(
      { dropped: unreported, droppedTotal: counters.siemDropped, maxPending: limit },
      'audit SIEM outbox full: dropped the oldest undelivered entries (they stay in the audit log; export them to fill the gap)',
    );
    unreported = 0;
  };
}
