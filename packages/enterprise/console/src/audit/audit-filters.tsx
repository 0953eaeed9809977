/** The audit log's filter form: time range, actor, action (a trailing * matches a prefix), outcome, resource. */
import { useState } from 'preact/hooks';
import { EMPTY_FILTERS, type AuditFilterValues } from './audit-types.js';

const OUTCOMES = ['success', 'failure', 'denied', 'requested'];

export function AuditFilters(props: { onApply: (filters: AuditFilterValues) => void }) {
  const [values, setValues] = useState<AuditFilterValues>(EMPTY_FILTERS);
  const field = (name: keyof AuditFilterValues) => ({
    id: `audit-filter-${name}`,
    'data-testid': `audit-filter-${name}`,
    value: values[name],
    onInput: (event: Event) => setValues({ ...values, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  return (
    <form
      class="ee-card"
      aria-labelledby="audit-filters-title"
      onSubmit={(event) => {
        event.preventDefault();
        props.onApply(values);
      }}
    >
      <h2 id="audit-filters-title">Filters</h2>
      <div class="ee-filters">
        <div>
          <label for="audit-filter-from">From</label>
          <input type="datetime-local" {...field('from')} />
        </div>
        <div>
          <label for="audit-filter-to">To</label>
          <input type="datetime-local" {...field('to')} />
        </div>
        <div>
          <label for="audit-filter-actor">Actor (id or name)</label>
          <input type="text" {...field('actor')} />
        </div>
        <div>
          <label for="audit-filter-action">Action (e.g. key.create, model.*)</label>
          <input type="text" {...field('action')} />
        </div>
        <div>
          <label for="audit-filter-outcome">Outcome</label>
          <select {...field('outcome')} onChange={(event) => setValues({ ...values, outcome: event.currentTarget.value })}>
            <option value="">Any</option>
            {OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {outcome}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="audit-filter-resourceType">Resource type</label>
          <input type="text" {...field('resourceType')} />
        </div>
        <div>
          <label for="audit-filter-resourceId">Resource id</label>
          <input type="text" {...field('resourceId')} />
        </div>
      </div>
      <div class="ee-actions">
        <button type="submit" class="ee-button ee-button-primary" data-testid="audit-filter-apply">
          Apply filters
        </button>
        <button
          type="reset"
          class="ee-button"
          data-testid="audit-filter-reset"
          onClick={() => {
            setValues(EMPTY_FILTERS);
            props.onApply(EMPTY_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}
