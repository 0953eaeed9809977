/** Sets (replaces) a principal's quota: PUT /admin/quotas/{subject}. An empty field means "no limit". */
import { useEffect, useState } from 'preact/hooks';
import { callJson, jsonBody } from '../shared/api.js';
import { Notice } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import { QUOTA_LIMITS, type Quota } from './usage-types.js';

type LimitField = (typeof QUOTA_LIMITS)[number]['field'];
type Draft = { subject: string } & Record<LimitField, string>;

const EMPTY: Draft = { subject: '', requestsPerDay: '', requestsPerMonth: '', tokensPerDay: '', tokensPerMonth: '' };

function draftOf(quota: Quota): Draft {
  const text = (value: number | null | undefined) => (typeof value === 'number' ? String(value) : '');
  return {
    subject: quota.subject,
    requestsPerDay: text(quota.requestsPerDay),
    requestsPerMonth: text(quota.requestsPerMonth),
    tokensPerDay: text(quota.tokensPerDay),
    tokensPerMonth: text(quota.tokensPerMonth),
  };
}

export function QuotaEditor(props: { context: PageContext; keys: { id: string; name: string }[]; editing?: Quota; onSaved: () => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  useEffect(() => setDraft(props.editing ? draftOf(props.editing) : EMPTY), [props.editing]);

  async function save(event: Event) {
    event.preventDefault();
    const limits: Partial<Record<LimitField, number | null>> = {};
    for (const { field, label } of QUOTA_LIMITS) {
      const text = draft[field].trim();
      if (text !== '' && !/^\d+$/.test(text)) {
        setResult({ ok: false, message: `${label} must be a whole number (or empty for no limit)` });
        return;
      }
      limits[field] = text === '' ? null : Number(text);
    }
    const subject = draft.subject.trim();
    const answer = await callJson(props.context, `/admin/quotas/${encodeURIComponent(subject)}`, jsonBody('PUT', limits));
    setResult(
      answer.ok
        ? { ok: true, message: `Quota saved for ${props.keys.find((k) => k.id === subject)?.name ?? subject}.` }
        : { ok: false, message: answer.message },
    );
    if (answer.ok) props.onSaved();
  }

  const keyIds = new Set(props.keys.map((k) => k.id));
  return (
    <form class="ee-card" aria-labelledby="quota-editor-title" data-testid="quota-editor" onSubmit={(event) => void save(event)}>
      <h3 id="quota-editor-title">Set a quota</h3>
      <div class="ee-filters">
        <div>
          <label for="quota-key">API key</label>
          <select
            id="quota-key"
            data-testid="quota-subject-key"
            value={keyIds.has(draft.subject) ? draft.subject : ''}
            onChange={(event) => setDraft({ ...draft, subject: event.currentTarget.value })}
          >
            <option value="">Choose a key…</option>
            {props.keys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name} ({key.id})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="quota-subject">Or principal id (API key id or SSO subject)</label>
          <input
            id="quota-subject"
            data-testid="quota-subject"
            type="text"
            value={draft.subject}
            onInput={(event) => setDraft({ ...draft, subject: event.currentTarget.value })}
          />
        </div>
        {QUOTA_LIMITS.map(({ field, label }) => (
          <div key={field}>
            <label for={`quota-${field}`}>{label}</label>
            <input
              id={`quota-${field}`}
              data-testid={`quota-${field}`}
              type="number"
              min={0}
              step={1}
              inputMode="numeric"
              placeholder="no limit"
              value={draft[field]}
              onInput={(event) => setDraft({ ...draft, [field]: event.currentTarget.value })}
            />
          </div>
        ))}
      </div>
      <div class="ee-actions">
        <button type="submit" class="ee-button ee-button-primary" data-testid="quota-save" disabled={draft.subject.trim() === ''}>
          Save quota
        </button>
        <button
          type="button"
          class="ee-button"
          onClick={() => {
            setDraft(EMPTY);
            setResult(undefined);
          }}
        >
          Clear
        </button>
      </div>
      {result && (
        <Notice kind={result.ok ? 'success' : 'error'} testId="quota-result">
          {result.message}
        </Notice>
      )}
    </form>
  );
}
