/**
 * Models: every model and version with its state (and why a load failed), load / unload, and for one selected
 * model its aliases and traffic split. Changing anything needs models:write; without it the buttons are absent.
 */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { StatusBadge } from '../components/status-badge.js';
import { fetchIndex, groupByModel, isLoadFailure, loadModel, unloadModel, versionTone, type IndexEntry } from '../models.js';
import { onLinkClick, pageHref } from '../router.js';
import { allows, type ConsoleSession } from '../session.js';
import { usePolling } from '../use-polling.js';
import { ModelRouting } from './model-routing.js';

export function ModelsPage({ session }: { session: ConsoleSession }) {
  const [index, setIndex] = useState<IndexEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // Unloading stops serving: it takes a second click.
  const [confirmUnload, setConfirmUnload] = useState<string | null>(null);
  const canWrite = allows(session, 'models:write');
  const canInfer = allows(session, 'infer');

  const refresh = async (): Promise<void> => {
    try {
      setIndex(await fetchIndex());
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  usePolling(refresh, 5_000);

  const act = async (model: string, action: 'load' | 'unload'): Promise<void> => {
    setBusy(`${action}:${model}`);
    setError(null);
    setNotice(null);
    try {
      await (action === 'load' ? loadModel(model) : unloadModel(model));
      setNotice(action === 'load' ? `${model}: loaded (new versions switch in atomically).` : `${model}: unloaded.`);
      await refresh();
    } catch (failure) {
      setError(`${action === 'load' ? 'Load' : 'Unload'} ${model}: ${messageOf(failure)}`);
    } finally {
      setBusy(null);
      setConfirmUnload(null);
    }
  };

  const groups = groupByModel(index ?? []);
  const selectedGroup = groups.find((g) => g.name === selected);

  return (
    <>
      <PageHeader title="Models" subtitle="Versions in the repository, their state, and where requests go." />
      <ErrorMessage message={error} />
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {index === null && !error ? <p>Loading the repository index…</p> : null}
      {index !== null && groups.length === 0 ? (
        <p class="empty">The repository has no models{session.models ? ' this key may use' : ''}.</p>
      ) : null}
      {groups.length > 0 ? (
        <div class="table-wrap">
          <table class="table" data-testid="models-table">
            <caption class="visually-hidden">Models and their versions</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Versions</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={group.name} data-testid={`model-row-${group.name}`} class={group.name === selected ? 'row-selected' : undefined}>
                  <th scope="row" class="model-name">
                    {group.name}
                  </th>
                  <td>
                    <ul class="version-list">
                      {group.versions.map((v) => (
                        <li key={v.version ?? '-'} data-testid={`model-version-${group.name}-${v.version ?? 'none'}`}>
                          <span class="version-number">{v.version ? `v${v.version}` : 'no version'}</span>{' '}
                          <StatusBadge label={v.state} tone={versionTone(v)} />
                          {v.reason ? <span class={isLoadFailure(v) ? 'reason reason-failure' : 'reason'}> {v.reason}</span> : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td class="actions">
                    <button
                      type="button"
                      class="button button-small"
                      aria-expanded={group.name === selected}
                      onClick={() => setSelected(group.name === selected ? null : group.name)}
                      data-testid={`model-routing-${group.name}`}
                    >
                      Routing<span class="visually-hidden"> of {group.name}</span>
                    </button>
                    {canInfer && group.versions.some((v) => v.state === 'READY') ? (
                      <a
                        class="button button-small"
                        href={`${pageHref('playground')}?model=${encodeURIComponent(group.name)}`}
                        onClick={onLinkClick}
                        data-testid={`model-try-${group.name}`}
                      >
                        Try<span class="visually-hidden"> {group.name} in the playground</span>
                      </a>
                    ) : null}
                    {canWrite ? (
                      <>
                        <button
                          type="button"
                          class="button button-small"
                          disabled={busy !== null}
                          onClick={() => void act(group.name, 'load')}
                          data-testid={`model-load-${group.name}`}
                        >
                          {busy === `load:${group.name}` ? 'Loading…' : group.versions.some((v) => v.state === 'READY') ? 'Reload' : 'Load'}
                          <span class="visually-hidden"> {group.name}</span>
                        </button>
                        {confirmUnload === group.name ? (
                          <span class="confirm">
                            <button
                              type="button"
                              class="button button-small button-danger"
                              disabled={busy !== null}
                              onClick={() => void act(group.name, 'unload')}
                              data-testid={`model-unload-confirm-${group.name}`}
                            >
                              {busy === `unload:${group.name}` ? 'Unloading…' : 'Confirm unload'}
                              <span class="visually-hidden"> {group.name}</span>
                            </button>
                            <button type="button" class="button button-small button-quiet" onClick={() => setConfirmUnload(null)}>
                              Cancel
                            </button>
                          </span>
                        ) : (
                          <button
                            type="button"
                            class="button button-small button-danger-quiet"
                            disabled={busy !== null}
                            onClick={() => setConfirmUnload(group.name)}
                            data-testid={`model-unload-${group.name}`}
                          >
                            Unload<span class="visually-hidden"> {group.name}</span>
                          </button>
                        )}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selectedGroup ? <ModelRouting key={selectedGroup.name} group={selectedGroup} canWrite={canWrite} /> : null}
    </>
  );
}
