/**
 * The weighted traffic split of requests that name no version (e.g. 90/10 for a canary), beside each
 * version's live request rate, error rate and p95 so a person can decide whether to shift more traffic.
 */
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatMs, formatPercent, formatRate } from '../format.js';
import { clearTraffic, fetchTraffic, saveTraffic, versionTone, type IndexEntry, type TrafficSplit } from '../models.js';
import type { VersionSummary } from '../stats.js';

/** The server's bound on one weight (models/version-routing.ts). */
const MAX_WEIGHT = 1_000_000;

interface Props {
  model: string;
  versions: IndexEntry[];
  stats: Map<string, VersionSummary> | null;
  statsError: string | null;
  canWrite: boolean;
}

function weightsOf(split: TrafficSplit | null): Record<string, string> {
  return Object.fromEntries((split?.versions ?? []).map((v) => [String(v.version), String(v.weight)]));
}

export function TrafficEditor({ model, versions, stats, statsError, canWrite }: Props) {
  const [split, setSplit] = useState<TrafficSplit | null | undefined>(undefined);
  const [weights, setWeights] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    fetchTraffic(model).then(
      (answer) => {
        setSplit(answer);
        setWeights(weightsOf(answer));
      },
      (failure: unknown) => setError(messageOf(failure)),
    );
  }, [model]);

  const numeric = versions.filter((v) => v.version !== undefined).map((v) => ({ entry: v, version: String(v.version) }));
  const parsed = numeric.map(({ version }) => ({ version, weight: weights[version]?.trim() ? Number(weights[version]) : 0 }));
  const total = parsed.reduce((sum, p) => sum + (Number.isFinite(p.weight) && p.weight > 0 ? p.weight : 0), 0);

  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    setNotice(null);
    const bad = parsed.find((p) => !Number.isFinite(p.weight) || p.weight < 0 || p.weight > MAX_WEIGHT);
    if (bad) {
      setError(`The weight of v${bad.version} must be a number from 0 to ${MAX_WEIGHT.toLocaleString('en')}.`);
      return;
    }
    if (total <= 0) {
      setError('Give at least one version a weight above 0 (or remove the split to use the default version).');
      return;
    }
    try {
      const body = { versions: parsed.filter((p) => p.weight > 0).map((p) => ({ version: Number(p.version), weight: p.weight })) };
      const saved = await saveTraffic(model, body);
      setSplit(saved);
      setWeights(weightsOf(saved));
      setNotice('Traffic split saved: it applies to the next request.');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  const clear = async (): Promise<void> => {
    setError(null);
    setNotice(null);
    try {
      await clearTraffic(model);
      setSplit(null);
      setWeights({});
      setNotice('Traffic split removed: requests without a version go to the default version.');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <form class="subpanel" onSubmit={save} noValidate data-testid="traffic-editor">
      <h3>Traffic split</h3>
      <p class="hint">
        {split === undefined
          ? 'Loading…'
          : split
            ? 'Requests that name no version are split by these weights.'
            : 'No split: requests that name no version go to the “default” alias, else the latest ready version.'}
      </p>
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">State</th>
            <th scope="col">Weight</th>
            <th scope="col">Share</th>
            <th scope="col">Requests</th>
            <th scope="col">Errors</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          {numeric.map(({ entry, version }) => {
            const live = stats?.get(`${model}/${version}`);
            const weight = parsed.find((p) => p.version === version)?.weight ?? 0;
            return (
              <tr key={version} data-testid={`traffic-row-${version}`}>
                <th scope="row">v{version}</th>
                <td>
                  <StatusBadge label={entry.state} tone={versionTone(entry)} />
                </td>
                <td>
                  {canWrite ? (
                    <input
                      class="input-weight"
                      type="number"
                      min={0}
                      max={MAX_WEIGHT}
                      step="any"
                      inputMode="decimal"
                      aria-label={`Weight of version ${version}`}
                      value={weights[version] ?? ''}
                      placeholder="0"
                      onInput={(e) => setWeights({ ...weights, [version]: e.currentTarget.value })}
                      data-testid={`traffic-weight-${version}`}
                    />
                  ) : (
                    (weights[version] ?? '0')
                  )}
                </td>
                <td data-testid={`traffic-share-${version}`}>
                  {total > 0 && Number.isFinite(weight) && weight > 0 ? formatPercent(weight / total) : '0 %'}
                </td>
                <td data-testid={`traffic-rate-${version}`}>{formatRate(live?.requestsPerSecond ?? (stats ? 0 : null))}</td>
                <td data-testid={`traffic-errors-${version}`}>{formatPercent(live?.errorRate)}</td>
                <td data-testid={`traffic-p95-${version}`}>{formatMs(live?.latencyP95Ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {numeric.some(({ entry, version }) => entry.state !== 'READY' && (parsed.find((p) => p.version === version)?.weight ?? 0) > 0) ? (
        <p class="warning" data-testid="traffic-warning">
          A version that is not ready gets no requests: its share goes to the ready versions in the split.
        </p>
      ) : null}
      <p class="hint">Live columns: the last 5 minutes (errors as a share of requests; p95 averaged over 5-second intervals).</p>
      {statsError ? <ErrorMessage message={`Live statistics are not available: ${statsError}`} /> : null}
      {canWrite ? (
        <div class="button-row">
          <button type="submit" class="button button-primary button-small" data-testid="traffic-save">
            Save split
          </button>
          {split ? (
            <button type="button" class="button button-small button-danger-quiet" onClick={() => void clear()} data-testid="traffic-clear">
              Remove split
            </button>
          ) : null}
        </div>
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorMessage message={error} testId="traffic-error" />
    </form>
  );
}
