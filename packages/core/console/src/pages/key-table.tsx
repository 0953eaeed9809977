/** The keys: what each may do, when it expires and was last used; revoke with a confirmation step. */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDate } from '../format.js';
import { revokeKey, type ApiKey } from '../keys.js';

function rateOf(key: ApiKey): string {
  if (!key.rateLimit) return 'server default';
  return `${key.rateLimit.max} / ${key.rateLimit.windowMs >= 60_000 ? `${key.rateLimit.windowMs / 60_000} min` : `${key.rateLimit.windowMs / 1000} s`}`;
}

export function KeyTable({ keys, ownKeyId, onChanged }: { keys: ApiKey[]; ownKeyId?: string; onChanged: () => Promise<void> }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const revoke = async (key: ApiKey): Promise<void> => {
    setError(null);
    try {
      await revokeKey(key.id);
      setConfirming(null);
      await onChanged();
    } catch (failure) {
      setError(`Revoke ${key.name}: ${messageOf(failure)}`);
    }
  };

  if (keys.length === 0) return <p class="empty">No keys yet.</p>;
  const sorted = [...keys].sort((a, b) =>
    a.status === b.status ? b.createdAt.localeCompare(a.createdAt) : a.status === 'active' ? -1 : 1,
  );
  return (
    <>
      <ErrorMessage message={error} />
      <div class="table-wrap">
        <table class="table" data-testid="keys-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Scopes</th>
              <th scope="col">Models</th>
              <th scope="col">Rate limit</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((key) => (
              <tr key={key.id} data-testid={`key-row-${key.id}`}>
                <th scope="row">
                  {key.name}
                  {key.id === ownKeyId ? (
                    <>
                      {' '}
                      <StatusBadge label="this session" tone="info" />
                    </>
                  ) : null}
                  <span class="key-id">{key.id}</span>
                </th>
                <td>
                  <StatusBadge label={key.status} />
                </td>
                <td>{key.scopes.join(', ')}</td>
                <td>{key.models ? key.models.join(', ') : 'all'}</td>
                <td class="nowrap">{rateOf(key)}</td>
                <td>{formatDate(key.createdAt)}</td>
                <td>{key.expiresAt ? formatDate(key.expiresAt) : 'never'}</td>
                <td>{key.lastUsedAt ? formatDate(key.lastUsedAt) : 'never'}</td>
                <td class="actions">
                  {key.status === 'active' && confirming !== key.id ? (
                    <button
                      type="button"
                      class="button button-small button-danger-quiet"
                      onClick={() => setConfirming(key.id)}
                      data-testid={`key-revoke-${key.id}`}
                    >
                      Revoke<span class="visually-hidden"> {key.name}</span>
                    </button>
                  ) : null}
                  {confirming === key.id ? (
                    <span class="confirm">
                      {key.id === ownKeyId ? <span class="text-bad">This is the key you signed in with. </span> : null}
                      <button
                        type="button"
                        class="button button-small button-danger"
                        onClick={() => void revoke(key)}
                        data-testid={`key-revoke-confirm-${key.id}`}
                      >
                        Confirm revoke<span class="visually-hidden"> {key.name}</span>
                      </button>
                      <button type="button" class="button button-small button-quiet" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
