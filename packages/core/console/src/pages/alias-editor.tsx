/** A model's aliases (stable, canary, default...): list, point one at a version, remove one set through the API. */
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { deleteAlias, fetchAliases, setAlias } from '../models.js';

/** The server's alias rule (models/model-name.ts), checked here to answer at once. */
const ALIAS_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function AliasEditor({ model, versions, canWrite }: { model: string; versions: number[]; canWrite: boolean }) {
  const [aliases, setAliases] = useState<Record<string, number> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [version, setVersion] = useState(String(versions[0] ?? ''));

  useEffect(() => {
    fetchAliases(model).then(
      (answer) => setAliases(answer.aliases),
      (failure: unknown) => setError(messageOf(failure)),
    );
  }, [model]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (!ALIAS_PATTERN.test(name)) {
      setError('An alias starts with a letter and has up to 64 letters, digits, "-" or "_" (e.g. stable, canary, default).');
      return;
    }
    const target = Number(version);
    if (!Number.isInteger(target) || target < 1) {
      setError('Choose the version the alias points at.');
      return;
    }
    try {
      setAliases((await setAlias(model, name, target)).aliases);
      setName('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const remove = async (alias: string): Promise<void> => {
    setError(null);
    try {
      setAliases((await deleteAlias(model, alias)).aliases);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const entries = Object.entries(aliases ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div class="subpanel" data-testid="alias-editor">
      <h3>Aliases</h3>
      <p class="hint">Requests can name an alias instead of a version; “default” picks the version for requests that name none.</p>
      {aliases !== null && entries.length === 0 ? <p class="empty">No aliases.</p> : null}
      {entries.length > 0 ? (
        <table class="table table-compact">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Version</th>
              {canWrite ? (
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {entries.map(([alias, v]) => (
              <tr key={alias} data-testid={`alias-row-${alias}`}>
                <th scope="row">{alias}</th>
                <td>v{v}</td>
                {canWrite ? (
                  <td class="actions">
                    <button
                      type="button"
                      class="button button-small button-danger-quiet"
                      onClick={() => void remove(alias)}
                      data-testid={`alias-remove-${alias}`}
                    >
                      Remove<span class="visually-hidden"> alias {alias}</span>
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canWrite ? (
        <form class="inline-form" onSubmit={submit} noValidate>
          <div class="field">
            <label for="alias-name">Alias</label>
            <input
              id="alias-name"
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              placeholder="canary"
              data-testid="alias-name"
            />
          </div>
          <div class="field">
            <label for="alias-version">Version</label>
            <select id="alias-version" value={version} onChange={(e) => setVersion(e.currentTarget.value)} data-testid="alias-version">
              {versions.map((v) => (
                <option key={v} value={String(v)}>
                  v{v}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="button button-small" data-testid="alias-save">
            Set alias
          </button>
        </form>
      ) : null}
      <ErrorMessage message={error} />
    </div>
  );
}
