/** Small building blocks the enterprise pages share: notices, the trial button, the "needs a license" panel. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { callJson, isLicenseLock, type ApiResult } from './api.js';
import type { PageContext } from './context.js';
import type { LicenseStatus } from './license-types.js';

export function Notice(props: { kind: 'error' | 'info' | 'success' | 'warning'; children: ComponentChildren; testId?: string }) {
  // Errors interrupt (role=alert); the rest are announced politely.
  return (
    <div class={`ee-notice ee-notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      {props.children}
    </div>
  );
}

/** Starts the self-serve 30-day trial (POST /admin/license/trial); shown only while the trial is available. */
export function TrialButton(props: { context: PageContext; onStarted: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  async function start() {
    setBusy(true);
    setError(undefined);
    const result = await callJson<unknown>(props.context, '/admin/license/trial', { method: 'POST' });
    setBusy(false);
    if (result.ok) props.onStarted();
    else setError(result.message);
  }
  return (
    <div class="ee-trial">
      <button
        type="button"
        class="ee-button ee-button-primary"
        data-testid="license-trial-start"
        disabled={busy}
        onClick={() => void start()}
      >
        {busy ? 'Starting trial…' : 'Start 30-day trial'}
      </button>
      {error && <Notice kind="error">Could not start the trial: {error}</Notice>}
    </div>
  );
}

/**
 * Shown in place of a feature's data when no license unlocks it: what the feature does, the trial button when a
 * trial is still available, and the way to the License page. The API's 402/403 never reaches a person as is.
 */
export function FeatureLocked(props: {
  context: PageContext;
  feature: string;
  title: string;
  lock: ApiResult<unknown>;
  onUnlocked: () => void;
}) {
  const [license, setLicense] = useState<LicenseStatus>();
  useEffect(() => {
    void callJson<LicenseStatus>(props.context, '/admin/license').then((result) => result.ok && setLicense(result.data));
  }, [props.context]);
  const description = license?.features.find((f) => f.name === props.feature)?.description;
  const message = props.lock.ok ? '' : props.lock.message;
  return (
    <section class="ee-locked" aria-labelledby="ee-locked-title" data-testid="feature-locked">
      <h2 id="ee-locked-title">{props.title} needs a Sluice Enterprise license</h2>
      <p>
        The <strong>{props.feature}</strong> entitlement unlocks it{description ? `: ${description}.` : '.'}
      </p>
      {isLicenseLock(props.lock) && (
        <details class="ee-muted">
          <summary>What the server said</summary>
          <p>{message}</p>
        </details>
      )}
      <div class="ee-actions">
        {license?.trial?.available && <TrialButton context={props.context} onStarted={props.onUnlocked} />}
        <button type="button" class="ee-button" onClick={() => props.context.navigate('/console/license')}>
          Go to the License page
        </button>
      </div>
    </section>
  );
}

/** A definition list row pair, skipped when there is nothing to show. */
export function Fact(props: { term: string; children: ComponentChildren; testId?: string }) {
  return (
    <>
      <dt>{props.term}</dt>
      <dd data-testid={props.testId}>{props.children}</dd>
    </>
  );
}
