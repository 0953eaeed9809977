/** The form that creates an API key: name, scopes, model allow-list, expiry and rate limit, checked before sending. */
import { useState } from 'preact/hooks';
import { parseExpiry } from '../../../src/auth/duration.js';
import { SCOPES } from '../../../src/auth/scopes.js';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { createKey, type ApiKey, type CreateKeyRequest } from '../keys.js';

const SCOPE_HELP: Record<string, string> = {
  infer: 'run inference',
  'models:read': 'read models and the repository',
  'models:write': 'load, unload, aliases, traffic',
  'metrics:read': 'read /metrics',
  admin: 'everything, including keys',
};

/** The request body for the form's values, or a message saying what to fix. */
export function keyRequestOf(form: HTMLFormElement): CreateKeyRequest | string {
  const data = new FormData(form);
  const name = String(data.get('name') ?? '').trim();
  if (!name) return 'Give the key a name (e.g. the application that will use it).';
  const scopes = data.getAll('scopes').map(String);
  if (scopes.length === 0) return 'Choose at least one scope.';
  const request: CreateKeyRequest = { name, scopes };
  const models = String(data.get('models') ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);
  if (models.length > 0) request.models = models;
  const expires = String(data.get('expires') ?? '').trim();
  if (expires) {
    // The server's own parser (a pure module), so the form and the API accept the same texts.
    const at = parseExpiry(expires, Date.now());
    if (at === undefined) return 'Expiry is a duration like 30d, 12h, 15m or 2w, or a date like 2027-01-31.';
    if (at <= Date.now()) return `The expiry ${expires} is in the past.`;
    request.expires = expires;
  }
  const max = String(data.get('rateMax') ?? '').trim();
  const windowSeconds = String(data.get('rateWindow') ?? '').trim();
  if (max || windowSeconds) {
    const maxValue = Number(max);
    const windowValue = Number(windowSeconds || '60');
    if (!Number.isInteger(maxValue) || maxValue < 1) return 'The rate limit is a whole number of requests, at least 1.';
    if (!Number.isInteger(windowValue) || windowValue < 1) return 'The rate-limit window is a whole number of seconds, at least 1.';
    request.rateLimit = { max: maxValue, windowMs: windowValue * 1000 };
  }
  return request;
}

export function KeyCreateForm({ onCreated }: { onCreated: (created: { key: ApiKey; token: string }) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const request = keyRequestOf(form);
    if (typeof request === 'string') {
      setError(request);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(await createKey(request));
      form.reset();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create a key</h2>
      <form class="key-form" onSubmit={submit} noValidate data-testid="key-create-form">
        <div class="key-form-main">
          <div class="field">
            <label for="key-name">Name</label>
            <input id="key-name" name="name" maxLength={200} placeholder="checkout-service" data-testid="key-name" />
          </div>
          <div class="field">
            <label for="key-models">Models (optional)</label>
            <input id="key-models" name="models" placeholder="all models" aria-describedby="key-models-help" data-testid="key-models" />
            <p id="key-models-help" class="hint">
              Names separated by commas; empty allows every model.
            </p>
          </div>
          <div class="field-pair">
            <div class="field">
              <label for="key-expires">Expires (optional)</label>
              <input id="key-expires" name="expires" placeholder="never" aria-describedby="key-expires-help" data-testid="key-expires" />
              <p id="key-expires-help" class="hint">
                30d, 12h, 15m, 2w or a date (2027-01-31).
              </p>
            </div>
            <fieldset class="field bare">
              <legend>Rate limit (optional)</legend>
              <div class="rate-inputs">
                <input
                  id="key-rate-max"
                  name="rateMax"
                  type="number"
                  min={1}
                  step={1}
                  placeholder="default"
                  aria-label="Requests allowed per window"
                  data-testid="key-rate-max"
                />
                <label for="key-rate-window" class="rate-per">
                  per
                </label>
                <input
                  id="key-rate-window"
                  name="rateWindow"
                  type="number"
                  min={1}
                  step={1}
                  placeholder="60"
                  aria-describedby="key-rate-unit"
                  data-testid="key-rate-window"
                />
                <span id="key-rate-unit" class="rate-per">
                  seconds
                </span>
              </div>
            </fieldset>
          </div>
        </div>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} class="checkbox">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={scope === 'infer'}
                data-testid={`key-scope-${scope.replace(':', '-')}`}
              />
              <span>
                <code>{scope}</code> <span class="hint-inline">{SCOPE_HELP[scope]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <ErrorMessage message={error} testId="key-create-error" />
        <div class="button-row">
          <button type="submit" class="button button-primary" disabled={busy} data-testid="key-create">
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </section>
  );
}
