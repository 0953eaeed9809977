/** Quotas: the burn-down of every quota in the current day and month, and the editor. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { callJson } from '../shared/api.js';
import { Notice } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import { QuotaBurndown, type QuotaWithUsage } from './quota-burndown.js';
import { QuotaEditor } from './quota-editor.js';
import type { Quota, QuotaUsage } from './usage-types.js';

export function QuotaSection(props: { context: PageContext; keys: { id: string; name: string }[]; keyNames: ReadonlyMap<string, string> }) {
  const { context } = props;
  const [quotas, setQuotas] = useState<QuotaWithUsage[]>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<Quota>();

  const load = useCallback(async () => {
    const list = await callJson<{ quotas: Quota[] }>(context, '/admin/quotas');
    if (!list.ok) {
      setError(list.message);
      return;
    }
    setError(undefined);
    const withUsage = await Promise.all(
      list.data.quotas.map(async (quota) => {
        const detail = await callJson<{ usage: QuotaUsage }>(context, `/admin/quotas/${encodeURIComponent(quota.subject)}`);
        return { quota, ...(detail.ok ? { usage: detail.data.usage } : {}) };
      }),
    );
    setQuotas(withUsage);
  }, [context]);
  useEffect(() => void load(), [load]);

  async function remove(subject: string) {
    if (!window.confirm(`Remove the quota of ${props.keyNames.get(subject) ?? subject}? Its key is then limited only by its rate limit.`))
      return;
    const answer = await callJson(context, `/admin/quotas/${encodeURIComponent(subject)}`, { method: 'DELETE' });
    if (!answer.ok) setError(answer.message);
    await load();
  }

  return (
    <section aria-labelledby="quotas-title" class="ee-card">
      <h2 id="quotas-title">Quotas</h2>
      <p class="ee-muted">Per UTC day and month. Past a quota, inference answers 429 until the period resets.</p>
      {error && <Notice kind="error">{error}</Notice>}
      {quotas && (
        <QuotaBurndown quotas={quotas} keyNames={props.keyNames} onEdit={setEditing} onRemove={(subject) => void remove(subject)} />
      )}
      <QuotaEditor context={context} keys={props.keys} {...(editing ? { editing } : {})} onSaved={() => void load()} />
    </section>
  );
}
