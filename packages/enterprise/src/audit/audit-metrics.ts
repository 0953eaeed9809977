/**
 * Audit series on core's /metrics (rendered as Prometheus text, like license-metrics.ts):
 * - sluice_audit_siem_pending: entries waiting in the SIEM outbox;
 * - sluice_audit_siem_dropped_total: entries dropped from the outbox at its bound (still in the audit log);
 * - sluice_audit_write_failures_total{event}: records the audit log could not write. For `audit` events the
 *   action was refused (503); for `inference` (inference auditing) the request was served all the same.
 */
import type { MetricsRegistryLike } from '../license/license-metrics.js';

export interface AuditCounters {
  siemDropped: number;
  writeFailures: { audit: number; inference: number };
}

export function createAuditCounters(): AuditCounters {
  return { siemDropped: 0, writeFailures: { audit: 0, inference: 0 } };
}

export function registerAuditMetrics(metrics: MetricsRegistryLike, counters: AuditCounters, siemPending?: () => number): void {
  metrics.registry.register({
    render() {
      const lines = [
        '# HELP sluice_audit_write_failures_total Audit records that could not be written (audit: the action was refused; inference: served unrecorded).',
        '# TYPE sluice_audit_write_failures_total counter',
        `sluice_audit_write_failures_total{event="audit"} ${counters.writeFailures.audit}`,
        `sluice_audit_write_failures_total{event="inference"} ${counters.writeFailures.inference}`,
      ];
      if (siemPending) {
        lines.push(
          '# HELP sluice_audit_siem_pending Audit entries waiting in the SIEM outbox.',
          '# TYPE sluice_audit_siem_pending gauge',
          `sluice_audit_siem_pending ${siemPending()}`,
          '# HELP sluice_audit_siem_dropped_total Audit entries dropped from the SIEM outbox at its bound (they stay in the audit log).',
          '# TYPE sluice_audit_siem_dropped_total counter',
          `sluice_audit_siem_dropped_total ${counters.siemDropped}`,
        );
      }
      return lines.join('\n');
    },
  });
}
