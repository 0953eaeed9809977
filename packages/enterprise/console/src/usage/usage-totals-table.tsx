/** Per-group totals over the period: the chart's numbers as a table (also its text alternative). */
import { formatNumber } from '../shared/format.js';
import type { totalsByGroup } from './usage-series.js';

export function UsageTotalsTable(props: { totals: ReturnType<typeof totalsByGroup>; groupLabel: string }) {
  if (props.totals.length === 0) return null;
  return (
    <div class="ee-table-wrap">
      <table class="ee-table" data-testid="usage-totals">
        <caption class="ee-visually-hidden">Usage totals per {props.groupLabel.toLowerCase()} over the period</caption>
        <thead>
          <tr>
            <th scope="col">{props.groupLabel}</th>
            <th scope="col" class="ee-num">
              Requests
            </th>
            <th scope="col" class="ee-num">
              Items
            </th>
            <th scope="col" class="ee-num">
              Tokens
            </th>
            <th scope="col" class="ee-num">
              Compute (s)
            </th>
            <th scope="col" class="ee-num">
              Errors
            </th>
          </tr>
        </thead>
        <tbody>
          {props.totals.map((row) => (
            <tr key={row.label} data-testid="usage-total-row">
              <th scope="row">{row.label}</th>
              <td class="ee-num">{formatNumber(row.requests)}</td>
              <td class="ee-num">{formatNumber(row.items)}</td>
              <td class="ee-num">{formatNumber(row.tokens)}</td>
              <td class="ee-num">{formatNumber(Math.round(row.computeMs / 100) / 10)}</td>
              <td class="ee-num">{formatNumber(row.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
