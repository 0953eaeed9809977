/** The token of a key just created: shown this once (the server keeps only its hash), with a copy button. */
import { useRef } from 'preact/hooks';
import { CopyButton } from '../components/copy-button.js';
import type { ApiKey } from '../keys.js';

export function NewKeyToken({ created, onDismiss }: { created: { key: ApiKey; token: string }; onDismiss: () => void }) {
  const code = useRef<HTMLElement>(null);
  return (
    <section class="panel panel-success" aria-labelledby="token-title" data-testid="key-token-panel">
      <h2 id="token-title">Key “{created.key.name}” created</h2>
      <p>Copy the token now: it is shown only this once and cannot be recovered, only revoked and replaced.</p>
      <div class="token-row">
        <code ref={code} class="token" data-testid="key-token" tabIndex={0}>
          {created.token}
        </code>
        <CopyButton text={created.token} label="Copy token" testId="key-token-copy" target={() => code.current} />
      </div>
      <button type="button" class="button button-small button-quiet" onClick={onDismiss} data-testid="key-token-dismiss">
        I have stored it, hide the token
      </button>
    </section>
  );
}
