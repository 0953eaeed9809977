/**
 * Each quota with how much of it is used in the current UTC day and month (GET /admin/quotas/{subject}):
 * a bar per limit, the remainder in words, and Edit / Remove.
 */
import { formatNumber } from '../shared/format.js';
import { styleRef } from '../shared/style-ref.js';
import { principalLabel } from './usage-series.js';
import { QUOTA_LIMITS, type Quota, type QuotaUsage } from './usage-types.js';

export interface QuotaWithUsage {
  quota: Quota;
  usage?: QuotaUsage;
}

function Meter(props: { id: string; label: string; used: number; max: number }) {
  const share = props.max === 0 ? 1 : Math.min(1, props.used / props.max);
  const left = Math.max(0, props.max - props.used);
  return (
    <div class="ee-meter">
      <span id={props.id}>
        {props.label}: {formatNumber(props.used)} of {formatNumber(props.max)} used, {formatNumber(left)} left
      </span>
      <div
        class="ee-meter-bar"
        role="progressbar"
        aria-labelledby={props.id}
        aria-valuemin={0}
        aria-valuemax={props.max}
        aria-valuenow={Math.min(props.used, props.max)}
      >
        <div class={`ee-meter-fill${share >= 0.9 ? ' ee-meter-high' : ''}`} ref={styleRef({ width: `${(share * 100).toFixed(1)}%` })} />
      </div>
    </div>
  );
}

export function QuotaBurndown(props: {
  quotas: QuotaWithUsage[];
  keyNames: ReadonlyMap<string, string>;
  onEdit: (quota: Quota) => void;
  onRemove: (subject: string) => void;
}) {
  if (props.quotas.length === 0)
    return (
      <p class="ee-muted" data-testid="quota-empty">
        No quotas are set. Without one, a key is limited only by its rate limit.
      </p>
    );
  return (
    <ul class="ee-quota-list" data-testid="quota-list">
      {props.quotas.map(({ quota, usage }, n) => {
        const name = principalLabel({ key: quota.subject }, props.keyNames);
        return (
          <li key={quota.subject} class="ee-card" data-testid="quota-item" data-subject={quota.subject}>
            <h3>
              {name}
              {name !== quota.subject && <span class="ee-muted"> ({quota.subject})</span>}
            </h3>
            {QUOTA_LIMITS.map((limit) => {
              const max = quota[limit.field];
              if (typeof max !== 'number') return null;
              return (
                <Meter key={limit.field} id={`quota-${n}-${limit.field}`} label={limit.label} used={usage?.[limit.used] ?? 0} max={max} />
              );
            })}
            <div class="ee-actions">
              <button
                type="button"
                class="ee-button"
                data-testid="quota-edit"
                aria-label={`Edit the quota of ${name}`}
                onClick={() => props.onEdit(quota)}
              >
                Edit
              </button>
              <button
                type="button"
                class="ee-button ee-button-danger"
                data-testid="quota-remove"
                aria-label={`Remove the quota of ${name}`}
                onClick={() => props.onRemove(quota.subject)}
              >
                Remove
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
