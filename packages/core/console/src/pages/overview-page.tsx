/**
 * Overview: what runs and how it behaves. Server version and plan, readiness, the models' states (with the
 * reason a load failed), and live charts of the last minutes from GET /stats/series.
 */
import { useState } from 'preact/hooks';
import { apiJson, messageOf } from '../api.js';
import { ErrorMessage } from '../components/error-message.js';
import { PageHeader } from '../components/page-header.js';
import { StatusBadge } from '../components/status-badge.js';
import { fetchIndex, isLoadFailure, type IndexEntry } from '../models.js';
import { onLinkClick, pageHref } from '../router.js';
import { allows, type ConsoleSession } from '../session.js';
import { fetchSeries, type StatsSeries } from '../stats.js';
import { usePolling } from '../use-polling.js';
import { TrafficCharts } from './traffic-charts.js';

const WINDOW_MINUTES = 15;

async function readiness(): Promise<boolean> {
  try {
    await apiJson<unknown>('GET', '/v2/health/ready');
    return true;
  } catch {
    return false;
  }
}

export function OverviewPage({ session }: { session: ConsoleSession }) {
  const [ready, setReady] = useState<boolean | null>(null);
  const [index, setIndex] = useState<IndexEntry[] | null>(null);
  const [indexError, setIndexError] = useState<string | null>(null);
  const [stats, setStats] = useState<StatsSeries | null>(null);
  const [statsError, setStatsError] = useState<string | null>(null);
  const canReadModels = allows(session, 'models:read');

  usePolling(async () => {
    setReady(await readiness());
    if (canReadModels) {
      try {
        setIndex(await fetchIndex());
        setIndexError(null);
      } catch (error) {
        setIndexError(messageOf(error));
      }
    }
  }, 10_000);

  usePolling(async () => {
    try {
      setStats(await fetchSeries(WINDOW_MINUTES));
      setStatsError(null);
    } catch (error) {
      setStatsError(messageOf(error));
    }
  }, 5_000);

  const count = (state: string) => index?.filter((e) => e.state === state).length ?? 0;
  const failed = index?.filter(isLoadFailure) ?? [];

  return (
    <>
      <PageHeader title="Overview" subtitle={`Server ${session.version} · live statistics over the last ${WINDOW_MINUTES} minutes`} />
      <section class="cards" aria-label="Server status">
        <div class="card" data-testid="overview-health">
          <h2 class="card-label">Health</h2>
          <p class="card-value">
            {ready === null ? '…' : <StatusBadge label={ready ? 'Ready' : 'Not ready'} tone={ready ? 'good' : 'bad'} />}
          </p>
          <p class="card-note">GET /v2/health/ready</p>
        </div>
        <div class="card" data-testid="overview-plan">
          <h2 class="card-label">Plan</h2>
          <p class="card-value">
            <StatusBadge label={session.plan} tone={session.plan === 'community' ? 'neutral' : 'info'} />
          </p>
          <p class="card-note">Version {session.version}</p>
        </div>
        {canReadModels ? (
          <div class="card" data-testid="overview-models">
            <h2 class="card-label">Model versions</h2>
            <p class="card-value card-counts">
              <span>
                <strong>{count('READY')}</strong> ready
              </span>
              <span>
                <strong>{count('LOADING')}</strong> loading
              </span>
              <span class={failed.length > 0 ? 'text-bad' : undefined}>
                <strong>{failed.length}</strong> failed
              </span>
            </p>
            <p class="card-note">
              <a href={pageHref('models')} onClick={onLinkClick}>
                Manage models
              </a>
            </p>
          </div>
        ) : null}
      </section>
      <ErrorMessage message={indexError} />
      {failed.length > 0 ? (
        <section class="panel" aria-labelledby="failures-title">
          <h2 id="failures-title">Failed to load</h2>
          <ul class="failure-list">
            {failed.map((entry) => (
              <li key={`${entry.name}/${entry.version}`}>
                <strong>
                  {entry.name} v{entry.version}
                </strong>
                : {entry.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="traffic-title">
        <h2 id="traffic-title">Traffic</h2>
        {statsError ? <ErrorMessage message={`Statistics are not available: ${statsError}`} /> : null}
        {stats ? <TrafficCharts stats={stats} /> : statsError ? null : <p>Loading statistics…</p>}
      </section>
    </>
  );
}
