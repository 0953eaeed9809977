/**
 * Sign-in: an API key is exchanged once for an HttpOnly session cookie (the console keeps no copy, in memory or
 * storage), or a plugin's sign-in method (e.g. SSO) takes over in the browser.
 */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { signInWithKey, type ConsoleManifest } from '../session.js';

export function SignInPage(props: { manifest: ConsoleManifest; notice?: string; onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.elements.namedItem('apiKey') as HTMLInputElement;
    const apiKey = input.value.trim();
    if (!apiKey) {
      setError('Paste an API key first (it starts with "sk_sluice_").');
      input.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signInWithKey(apiKey);
      input.value = ''; // the cookie now stands for the key: drop it from the page
      props.onSignedIn();
    } catch (failure) {
      setError(messageOf(failure));
      input.select();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="signin-layout">
      <header class="signin-brand">
        <span class="brand-mark" aria-hidden="true">
          ≋
        </span>
        Sluice
      </header>
      <main class="signin-card">
        <h1>Sign in to the console</h1>
        <p class="page-subtitle">Serve, watch and try your models. {props.manifest.version ? `Server ${props.manifest.version}.` : null}</p>
        {props.notice ? (
          <p class="warning" role="status" data-testid="signin-notice">
            {props.notice}
          </p>
        ) : null}
        <form onSubmit={submit} class="stack" noValidate>
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="apiKey"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            aria-describedby="api-key-help"
            data-testid="signin-key"
          />
          <p id="api-key-help" class="hint">
            The key is exchanged for a session cookie and is not kept by the browser. <code>sluice serve</code> prints the first admin key;{' '}
            <code>sluice keys create</code> makes more.
          </p>
          <ErrorMessage message={error} testId="signin-error" />
          <button type="submit" class="button button-primary" disabled={busy} data-testid="signin-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        {props.manifest.signIns.length > 0 ? (
          <div class="signin-others">
            <p class="divider">
              <span>or</span>
            </p>
            {props.manifest.signIns.map((method) => (
              <a key={method.id} class="button button-secondary button-block" href={method.href} data-testid={`signin-method-${method.id}`}>
                {method.label}
              </a>
            ))}
          </div>
        ) : null}
      </main>
    </div>
  );
}
