/** Installs a license key pasted or loaded from a file (PUT /admin/license); takes effect without a restart. */
import { useState } from 'preact/hooks';
import { callJson, jsonBody } from '../shared/api.js';
import { Notice } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import type { LicenseStatus } from '../shared/license-types.js';

/** A license JWT is a few KB; the server refuses bodies over 64 KiB, so a bigger file is the wrong one. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function InstallLicenseForm(props: { context: PageContext; onInstalled: (status: LicenseStatus) => void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string }>();

  async function loadFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    if (file.size > MAX_KEY_FILE_BYTES) {
      setResult({ ok: false, message: `${file.name} is ${file.size} bytes; a license key file is a few kilobytes` });
      return;
    }
    setKey((await file.text()).trim());
    setResult(undefined);
  }

  async function install(event: Event) {
    event.preventDefault();
    setBusy(true);
    const answer = await callJson<LicenseStatus>(props.context, '/admin/license', jsonBody('PUT', { key: key.trim() }));
    setBusy(false);
    if (answer.ok) {
      setKey('');
      setResult({ ok: true, message: `License installed for ${answer.data.licensee ?? 'this server'}.` });
      props.onInstalled(answer.data);
    } else {
      setResult({ ok: false, message: answer.message });
    }
  }

  return (
    <section aria-labelledby="install-title" class="ee-card">
      <h2 id="install-title">Install a license key</h2>
      <form class="ee-form" onSubmit={(event) => void install(event)}>
        <label for="license-key">License key</label>
        <textarea
          id="license-key"
          data-testid="license-key-input"
          rows={5}
          spellcheck={false}
          autocomplete="off"
          placeholder="eyJhbGciOiJFZERTQSIs…"
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <label for="license-file">Or load it from a file</label>
        <input
          id="license-file"
          data-testid="license-key-file"
          type="file"
          accept=".jwt,.txt,.lic,.key,text/plain"
          onChange={(event) => void loadFile(event.currentTarget)}
        />
        <div class="ee-actions">
          <button type="submit" class="ee-button ee-button-primary" data-testid="license-install" disabled={busy || key.trim() === ''}>
            {busy ? 'Installing…' : 'Install license'}
          </button>
        </div>
      </form>
      {result && (
        <Notice kind={result.ok ? 'success' : 'error'} testId="license-install-result">
          {result.message}
        </Notice>
      )}
    </section>
  );
}
