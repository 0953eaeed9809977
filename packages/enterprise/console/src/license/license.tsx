/** The License page: what is in force, what each entitlement unlocks, the trial, and installing a key. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { callJson } from '../shared/api.js';
import { Notice, TrialButton } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import type { LicenseStatus } from '../shared/license-types.js';
import { pageMount } from '../shared/mount.js';
import { EntitlementTable } from './entitlement-table.js';
import { InstallLicenseForm } from './install-license-form.js';
import { LicenseSummary } from './license-summary.js';
import '../shared/styles.css';

function TrialOffer(props: { context: PageContext; status: LicenseStatus; onStarted: () => void }) {
  const { trial } = props.status;
  if (!trial?.available) return null;
  return (
    <section aria-labelledby="trial-title" class="ee-card ee-card-accent">
      <h2 id="trial-title">Try every enterprise feature</h2>
      <p>
        Start a free {trial.lengthDays ?? 30}-day trial of single sign-on, the audit log and metering. It starts offline, once per data
        directory; when it ends, features stop as with an expired license and recorded data stays readable.
      </p>
      <TrialButton context={props.context} onStarted={props.onStarted} />
    </section>
  );
}

function LicensePage(props: { context: PageContext }) {
  const [status, setStatus] = useState<LicenseStatus>();
  const [error, setError] = useState<string>();
  const load = useCallback(async () => {
    const result = await callJson<LicenseStatus>(props.context, '/admin/license');
    if (result.ok) setStatus(result.data);
    else setError(result.message);
  }, [props.context]);
  useEffect(() => void load(), [load]);

  return (
    <div class="ee-page" data-testid="page-license">
      <h1>License</h1>
      {error && <Notice kind="error">Could not read the license: {error}</Notice>}
      {!status && !error && <p class="ee-muted">Loading…</p>}
      {status && (
        <>
          <TrialOffer context={props.context} status={status} onStarted={() => void load()} />
          <LicenseSummary status={status} />
          <EntitlementTable status={status} />
          <InstallLicenseForm context={props.context} onInstalled={setStatus} />
          <p class="ee-muted">Inference never depends on the license: models keep serving whatever its state.</p>
        </>
      )}
    </div>
  );
}

export const mount = pageMount(LicensePage);
