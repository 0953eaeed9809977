/** The hash chain's verification status (GET /admin/audit/verify), re-checkable on demand. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { callJson, type ApiResult } from '../shared/api.js';
import { formatNumber } from '../shared/format.js';
import type { PageContext } from '../shared/context.js';
import type { VerifyResult } from './audit-types.js';

function describe(result: ApiResult<VerifyResult>): { tone: string; text: string } {
  if (!result.ok) return { tone: 'neutral', text: `Not verified: ${result.message}` };
  const { data } = result;
  if (data.ok) {
    return data.checked === 0
      ? { tone: 'good', text: 'Chain verified: no entries yet' }
      : {
          tone: 'good',
          text: `Chain verified through ${formatNumber(data.checked)} entr${data.checked === 1 ? 'y' : 'ies'} (up to #${data.headSeq})`,
        };
  }
  return { tone: 'bad', text: `Chain broken at entry #${data.firstBad?.seq ?? '?'}: ${data.firstBad?.message ?? 'unknown problem'}` };
}

export function VerifyBadge(props: { context: PageContext; refreshKey: number; onFirstBad: (seq: number | undefined) => void }) {
  const [result, setResult] = useState<ApiResult<VerifyResult>>();
  const [busy, setBusy] = useState(false);
  const verify = useCallback(async () => {
    setBusy(true);
    const answer = await callJson<VerifyResult>(props.context, '/admin/audit/verify');
    setResult(answer);
    setBusy(false);
    props.onFirstBad(answer.ok ? answer.data.firstBad?.seq : undefined);
  }, [props.context, props.onFirstBad]);
  useEffect(() => void verify(), [verify, props.refreshKey]);
  const shown = result && describe(result);
  return (
    <div class="ee-actions" role="status" aria-live="polite">
      {shown ? (
        <span
          class={`ee-badge ee-badge-${shown.tone}`}
          data-testid="audit-verify-badge"
          data-verified={result?.ok ? String(result.data.ok) : 'unknown'}
        >
          {shown.text}
        </span>
      ) : (
        <span class="ee-muted">Verifying the hash chain…</span>
      )}
      <button type="button" class="ee-button" data-testid="audit-verify-run" disabled={busy} onClick={() => void verify()}>
        Verify again
      </button>
    </div>
  );
}
