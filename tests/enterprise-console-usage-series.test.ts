/** The Usage page's pivot from usage rows to chart series and totals (pure code shared with the browser bundle). */
import { describe, expect, it } from 'vitest';
import { principalLabel, toChartData, totalsByGroup } from '../packages/enterprise/console/src/usage/usage-series.js';
import type { UsageRow } from '../packages/enterprise/console/src/usage/usage-types.js';

const HOUR = 3_600_000;
const FROM = Date.UTC(2030, 5, 1, 0, 30); // mid-bucket: the first bucket starts at 00:00
const row = (hour: number, key: string, requests: number, extra: Partial<UsageRow> = {}): UsageRow => ({
  time: new Date(Date.UTC(2030, 5, 1, hour)).toISOString(),
  key,
  keyKind: 'api-key',
  requests,
  items: requests,
  tokens: 3 * requests,
  computeMs: 10 * requests,
  errors: 0,
  ...extra,
});

describe('usage series', () => {
  const names = new Map([
    ['k1', 'billing-service'],
    ['k2', 'search'],
  ]);

  it('names keys by their name, other principals by subject and kind', () => {
    expect(principalLabel({ key: 'k1', keyKind: 'api-key' }, names)).toBe('billing-service');
    expect(principalLabel({ key: 'gone', keyKind: 'api-key' }, names)).toBe('gone');
    expect(principalLabel({ key: 'alice', keyKind: 'oidc' }, names)).toBe('alice (oidc)');
  });

  it('puts every bucket of the range on the axis, empty ones at 0, biggest series first', () => {
    const data = toChartData([row(0, 'k1', 2), row(2, 'k1', 5), row(1, 'k2', 9), row(1, 'k2', 1, { model: 'other' })], {
      from: FROM,
      to: FROM + 4 * HOUR,
      granularity: 'hour',
      dimension: 'key',
      metric: 'requests',
      keyNames: names,
    });
    expect(data.times).toEqual([0, 1, 2, 3, 4].map((h) => Date.UTC(2030, 5, 1, h) / 1000));
    expect(data.series).toEqual([
      { label: 'search', values: [0, 10, 0, 0, 0], total: 10 },
      { label: 'billing-service', values: [2, 0, 5, 0, 0], total: 7 },
    ]);
  });

  it('keeps eight series and sums the rest as "Other"', () => {
    const rows = Array.from({ length: 11 }, (_, i) => row(0, `key-${String(i).padStart(2, '0')}`, 100 - i));
    const data = toChartData(rows, {
      from: FROM,
      to: FROM + HOUR,
      granularity: 'hour',
      dimension: 'key',
      metric: 'tokens',
      keyNames: names,
    });
    expect(data.series).toHaveLength(9);
    expect(data.series[0]).toMatchObject({ label: 'key-00', total: 300 });
    expect(data.series[8]).toEqual({ label: 'Other (3)', values: [3 * (92 + 91 + 90), 0], total: 3 * (92 + 91 + 90) });
  });

  it('totals every counter per model version', () => {
    const rows = [
      row(0, 'k1', 2, { model: 'sentiment', version: '1' }),
      row(1, 'k2', 3, { model: 'sentiment', version: '1' }),
      row(1, 'k2', 4, { model: 'sentiment', version: '2', errors: 1 }),
    ];
    expect(totalsByGroup(rows, 'version', names)).toEqual([
      { label: 'sentiment v1', requests: 5, items: 5, tokens: 15, computeMs: 50, errors: 0 },
      { label: 'sentiment v2', requests: 4, items: 4, tokens: 12, computeMs: 40, errors: 1 },
    ]);
  });
});
