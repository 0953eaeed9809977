/** One model's routing: its aliases and its traffic split, with live per-version statistics. */
import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import type { ModelGroup } from '../models.js';
import { fetchSeries, summarizeVersions, type VersionSummary } from '../stats.js';
import { usePolling } from '../use-polling.js';
import { AliasEditor } from './alias-editor.js';
import { TrafficEditor } from './traffic-editor.js';

/** Per-version statistics cover this many recent seconds: long enough to be stable, short enough to react. */
export const VERSION_STATS_SECONDS = 300;

export function ModelRouting({ group, canWrite }: { group: ModelGroup; canWrite: boolean }) {
  const [stats, setStats] = useState<Map<string, VersionSummary> | null>(null);
  const [statsError, setStatsError] = useState<string | null>(null);

  usePolling(async () => {
    try {
      setStats(summarizeVersions(await fetchSeries(Math.ceil(VERSION_STATS_SECONDS / 60)), VERSION_STATS_SECONDS));
      setStatsError(null);
    } catch (error) {
      setStatsError(messageOf(error));
    }
  }, 5_000);

  const versions = group.versions.map((v) => Number(v.version)).filter((v) => Number.isInteger(v) && v > 0);
  return (
    <section class="panel" aria-labelledby="routing-title" data-testid="model-routing-panel">
      <h2 id="routing-title">Routing of {group.name}</h2>
      <div class="routing-grid">
        <TrafficEditor model={group.name} versions={group.versions} stats={stats} statsError={statsError} canWrite={canWrite} />
        <AliasEditor model={group.name} versions={versions} canWrite={canWrite} />
      </div>
    </section>
  );
}
