/** API keys: list, create (the token is shown once), revoke. Admin scope only. */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { StatusBadge } from '../components/status-badge.js';
import { listKeys, type ApiKey } from '../keys.js';
import type { ConsoleSession } from '../session.js';
import { usePolling } from '../use-polling.js';
import { KeyCreateForm } from './key-create-form.js';
import { KeyTable } from './key-table.js';
import { NewKeyToken } from './new-key-token.js';

export function KeysPage({ session }: { session: ConsoleSession }) {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ key: ApiKey; token: string } | null>(null);

  const refresh = async (): Promise<void> => {
    try {
      setKeys((await listKeys()).keys);
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  usePolling(refresh, 30_000);

  const active = keys?.filter((k) => k.status === 'active').length ?? 0;
  return (
    <>
      <PageHeader
        title="API keys"
        subtitle={<>Keys for applications and people. {keys ? <StatusBadge label={`${active} active`} tone="good" /> : null}</>}
      />
      {created ? <NewKeyToken created={created} onDismiss={() => setCreated(null)} /> : null}
      <KeyCreateForm
        onCreated={(answer) => {
          setCreated(answer);
          void refresh();
        }}
      />
      <section aria-labelledby="keys-title" class="panel">
        <h2 id="keys-title">Keys</h2>
        <ErrorMessage message={error} />
        {keys === null && !error ? <p>Loading keys…</p> : null}
        {keys ? <KeyTable keys={keys} ownKeyId={session.kind === 'api-key' ? session.id : undefined} onChanged={refresh} /> : null}
      </section>
    </>
  );
}
