/** One page of audit entries, newest first. */
import { formatDateTime } from '../shared/format.js';
import type { AuditEntry } from './audit-types.js';

const OUTCOME_TONES: Record<string, string> = { success: 'good', failure: 'bad', denied: 'warn', requested: 'neutral' };

function actorText(actor: AuditEntry['actor']): string {
  const who = actor.name && actor.id && actor.name !== actor.id ? `${actor.name} (${actor.id})` : (actor.name ?? actor.id);
  return who ? `${actor.kind}: ${who}` : actor.kind;
}

/** `firstBadSeq`: the entry verification failed at, marked in the table. */
export function AuditTable(props: { entries: AuditEntry[]; firstBadSeq?: number | undefined }) {
  if (props.entries.length === 0)
    return (
      <p class="ee-muted" data-testid="audit-empty">
        No entries match these filters.
      </p>
    );
  return (
    <div class="ee-table-wrap">
      <table class="ee-table" data-testid="audit-table">
        <caption class="ee-visually-hidden">Audit log entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col" class="ee-num">
              #
            </th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Resource</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr
              key={entry.seq}
              data-testid="audit-row"
              data-seq={entry.seq}
              class={entry.seq === props.firstBadSeq ? 'ee-row-bad' : undefined}
            >
              <td class="ee-num">
                {entry.seq}
                {entry.seq === props.firstBadSeq && (
                  <>
                    <span class="ee-bad-mark" aria-hidden="true" title="fails verification">
                      {' '}
                      ✗
                    </span>
                    <span class="ee-visually-hidden"> (fails verification)</span>
                  </>
                )}
              </td>
              <td>
                <time dateTime={entry.time}>{formatDateTime(entry.time)}</time>
              </td>
              <td>{actorText(entry.actor)}</td>
              <td>
                <code>{entry.action}</code>
                {entry.count !== undefined && entry.count > 1 && <span class="ee-muted"> ×{entry.count}</span>}
              </td>
              <td>
                <span class={`ee-badge ee-badge-${OUTCOME_TONES[entry.outcome] ?? 'neutral'}`}>{entry.outcome}</span>
              </td>
              <td>{entry.resource.id ? `${entry.resource.type} ${entry.resource.id}` : entry.resource.type}</td>
              <td>{entry.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
