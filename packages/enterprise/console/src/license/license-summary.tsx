/** The license in force: state, licensee, dates, limits and problems. */
import { Fact } from '../shared/components.js';
import { formatDate, relativeDays } from '../shared/format.js';
import type { LicenseStatus } from '../shared/license-types.js';
import { SOURCE_LABELS, STATE_LABELS } from './state-labels.js';

export function LicenseSummary(props: { status: LicenseStatus }) {
  const { status } = props;
  const state = STATE_LABELS[status.state] ?? { label: status.state, tone: 'neutral' as const };
  const limits = Object.entries(status.limits ?? {});
  return (
    <section aria-labelledby="license-summary-title" class="ee-card">
      <h2 id="license-summary-title">Current license</h2>
      <dl class="ee-facts">
        <Fact term="State" testId="license-state">
          <span class={`ee-badge ee-badge-${state.tone}`}>{state.label}</span>
          {status.reason && <span class="ee-muted"> — {status.reason}</span>}
        </Fact>
        {status.licensee && (
          <Fact term="Licensee" testId="license-licensee">
            {status.licensee}
          </Fact>
        )}
        {status.licenseId && (
          <Fact term="License id">
            <code>{status.licenseId}</code>
          </Fact>
        )}
        {status.source && <Fact term="Source">{SOURCE_LABELS[status.source] ?? status.source}</Fact>}
        {status.issuedAt && <Fact term="Issued">{formatDate(status.issuedAt)}</Fact>}
        {status.expiresAt && (
          <Fact term="Expires" testId="license-expires">
            {formatDate(status.expiresAt)}
            {status.daysUntilExpiry !== undefined && <span class="ee-muted"> ({relativeDays(status.daysUntilExpiry)})</span>}
          </Fact>
        )}
        {status.graceEndsAt && (
          <Fact term="Grace period ends" testId="license-grace">
            {formatDate(status.graceEndsAt)}
            <span class="ee-muted"> — after it, enterprise features stop; recorded data stays readable</span>
          </Fact>
        )}
        {status.trial?.startedAt && (
          <Fact term="Trial" testId="license-trial">
            {status.trial.endsAt
              ? `${formatDate(status.trial.startedAt)} to ${formatDate(status.trial.endsAt)}`
              : formatDate(status.trial.startedAt)}
            {status.trial.daysLeft !== undefined && status.trial.daysLeft > 0 && (
              <span class="ee-muted"> ({status.trial.daysLeft} days left)</span>
            )}
          </Fact>
        )}
        {limits.length > 0 && <Fact term="Limits">{limits.map(([name, value]) => `${name}: ${value}`).join(', ')}</Fact>}
      </dl>
      {status.problems.length > 0 && (
        <div class="ee-problems">
          <h3>Other license sources</h3>
          <ul>
            {status.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
