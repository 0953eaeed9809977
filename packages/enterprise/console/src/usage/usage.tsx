/** The Usage page: usage over time by key (named), model or version; totals; CSV export; quotas. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { callJson, isLicenseLock, queryString, type ApiResult } from '../shared/api.js';
import { FeatureLocked, Notice } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import { pageMount } from '../shared/mount.js';
import { QuotaSection } from './quota-section.js';
import { UsageChart } from './usage-chart.js';
import { toChartData, totalsByGroup } from './usage-series.js';
import { UsageTotalsTable } from './usage-totals-table.js';
import { DIMENSIONS, METRICS, PERIODS, type Dimension, type Metric, type PeriodId, type UsageAnswer } from './usage-types.js';
import '../shared/styles.css';

function useKeys(context: PageContext) {
  const [keys, setKeys] = useState<{ id: string; name: string }[]>([]);
  useEffect(() => {
    void callJson<{ keys: { id: string; name: string }[] }>(context, '/admin/keys').then(
      (result) => result.ok && setKeys(result.data.keys),
    );
  }, [context]);
  return keys;
}

function Select<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  options: readonly { id: T; label: string }[];
  onChange: (value: T) => void;
}) {
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} data-testid={props.id} value={props.value} onChange={(event) => props.onChange(event.currentTarget.value as T)}>
        {props.options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function UsagePage(props: { context: PageContext }) {
  const { context } = props;
  const [periodId, setPeriodId] = useState<PeriodId>('7d');
  const [dimension, setDimension] = useState<Dimension>('key');
  const [metric, setMetric] = useState<Metric>('requests');
  const [result, setResult] = useState<ApiResult<UsageAnswer>>();
  // "Now" moves only on Refresh, so the range (and the export link) match what is shown.
  const [now, setNow] = useState(() => Date.now());
  const keys = useKeys(context);
  const keyNames = useMemo(() => new Map(keys.map((k) => [k.id, k.name])), [keys]);

  const period = PERIODS.find((p) => p.id === periodId) ?? PERIODS[1];
  const dimensionInfo = DIMENSIONS.find((d) => d.id === dimension) ?? DIMENSIONS[0];
  const range = useMemo(() => ({ from: now - period.ms, to: now }), [now, period]);
  const params = {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    granularity: period.granularity,
    group_by: `time,${dimensionInfo.groupBy}`,
  };
  const query = queryString(params);

  useEffect(() => {
    setResult(undefined);
    void callJson<UsageAnswer>(context, `/admin/usage${query}`).then(setResult);
  }, [context, query]);

  const rows = result?.ok ? result.data.rows : [];
  const chart = useMemo(
    () => toChartData(rows, { from: range.from, to: range.to, granularity: period.granularity, dimension, metric, keyNames }),
    [rows, range, period, dimension, metric, keyNames],
  );
  const totals = useMemo(() => totalsByGroup(rows, dimension, keyNames), [rows, dimension, keyNames]);
  const metricLabel = METRICS.find((m) => m.id === metric)?.label ?? metric;

  if (result && isLicenseLock(result)) {
    return (
      <div class="ee-page" data-testid="page-usage">
        <h1>Usage</h1>
        <FeatureLocked context={context} feature="metering" title="Usage metering" lock={result} onUnlocked={() => setNow(Date.now())} />
      </div>
    );
  }

  return (
    <div class="ee-page" data-testid="page-usage">
      <h1>Usage</h1>
      <section class="ee-card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage over time</h2>
        <div class="ee-filters">
          <Select id="usage-period" label="Period" value={periodId} options={PERIODS} onChange={setPeriodId} />
          <Select id="usage-group" label="Group by" value={dimension} options={DIMENSIONS} onChange={setDimension} />
          <Select id="usage-metric" label="Measure" value={metric} options={METRICS} onChange={setMetric} />
        </div>
        <div class="ee-actions">
          <a
            class="ee-link-button"
            href={`/admin/usage/export${queryString({ ...params, format: 'csv' })}`}
            download=""
            data-testid="usage-export-csv"
          >
            Export CSV
          </a>
          <button type="button" class="ee-button" data-testid="usage-refresh" onClick={() => setNow(Date.now())}>
            Refresh
          </button>
        </div>
        {result && !result.ok && <Notice kind="error">Could not read usage: {result.message}</Notice>}
        {!result && <p class="ee-muted">Loading…</p>}
        {result?.ok && <UsageChart data={chart} metricLabel={metricLabel} periodLabel={period.label} />}
        {result?.ok && <UsageTotalsTable totals={totals} groupLabel={dimensionInfo.label} />}
      </section>
      <QuotaSection context={context} keys={keys} keyNames={keyNames} />
    </div>
  );
}

export const mount = pageMount(UsagePage);
