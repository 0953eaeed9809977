/**
 * License series on core's /metrics. Core's registry accepts any object with render(); its Gauge class is not
 * exported from @sluice/core, so this renders the Prometheus text itself.
 */
import { LICENSE_STATES } from './license-state.js';
import type { LicenseService } from './license-service.js';

/** The part of core's metrics registry this needs (`app.sluice.metrics`). */
export interface MetricsRegistryLike {
  registry: { register(metric: { render(): string }): unknown };
}

export function registerLicenseMetrics(metrics: MetricsRegistryLike, licenses: LicenseService): void {
  metrics.registry.register({
    render() {
      const state = licenses.state();
      const status = licenses.status();
      const lines = [
        `# HELP sluice_license_state 1 for the current license state (${LICENSE_STATES.join(', ')}), else 0.`,
        '# TYPE sluice_license_state gauge',
        ...LICENSE_STATES.map((s) => `sluice_license_state{state="${s}"} ${s === state ? 1 : 0}`),
      ];
      if (status.expiresAt) {
        lines.push(
          '# HELP sluice_license_expiry_timestamp_seconds When the license (or the trial, while it is in force) expires (Unix seconds).',
          '# TYPE sluice_license_expiry_timestamp_seconds gauge',
          `sluice_license_expiry_timestamp_seconds ${Math.floor(Date.parse(status.expiresAt) / 1000)}`,
        );
      }
      lines.push(
        '# HELP sluice_license_trial_available 1 while this data directory can still start its free trial.',
        '# TYPE sluice_license_trial_available gauge',
        `sluice_license_trial_available ${status.trial.available ? 1 : 0}`,
      );
      if (status.trial.endsAt) {
        lines.push(
          '# HELP sluice_license_trial_end_timestamp_seconds When the trial of this data directory ends (Unix seconds).',
          '# TYPE sluice_license_trial_end_timestamp_seconds gauge',
          `sluice_license_trial_end_timestamp_seconds ${Math.floor(Date.parse(status.trial.endsAt) / 1000)}`,
        );
      }
      lines.push(
        '# HELP sluice_license_feature_active 1 when the license unlocks the enterprise feature.',
        '# TYPE sluice_license_feature_active gauge',
        ...status.features.map((f) => `sluice_license_feature_active{feature="${f.name}"} ${f.active ? 1 : 0}`),
      );
      return lines.join('\n');
    },
  });
}
