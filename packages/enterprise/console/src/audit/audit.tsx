/** The Audit log page: filters, cursor paging, chain verification badge, JSONL/CSV export. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { callJson, isLicenseLock, queryString, type ApiResult } from '../shared/api.js';
import { FeatureLocked, Notice } from '../shared/components.js';
import type { PageContext } from '../shared/context.js';
import { pageMount } from '../shared/mount.js';
import { AuditFilters } from './audit-filters.js';
import { AuditTable } from './audit-table.js';
import { EMPTY_FILTERS, filterParams, type AuditFilterValues, type AuditPage } from './audit-types.js';
import { VerifyBadge } from './verify-badge.js';
import '../shared/styles.css';

const PAGE_SIZE = 50;

function ExportLinks(props: { filters: AuditFilterValues }) {
  const href = (format: string) => `/admin/audit/export${queryString({ ...filterParams(props.filters), format })}`;
  return (
    <div class="ee-actions">
      <span>Export these entries (with chain hashes):</span>
      <a class="ee-link-button" href={href('jsonl')} download="" data-testid="audit-export-jsonl">
        JSONL
      </a>
      <a class="ee-link-button" href={href('csv')} download="" data-testid="audit-export-csv">
        CSV
      </a>
    </div>
  );
}

function AuditPageView(props: { context: PageContext }) {
  const [filters, setFilters] = useState<AuditFilterValues>(EMPTY_FILTERS);
  // Cursors of the pages before the current one, so "Newer" can go back; the last is the current page's.
  const [cursors, setCursors] = useState<string[]>([]);
  const [result, setResult] = useState<ApiResult<AuditPage>>();
  const [reloads, setReloads] = useState(0);
  const [firstBadSeq, setFirstBadSeq] = useState<number>();

  const load = useCallback(async () => {
    const cursor = cursors[cursors.length - 1];
    setResult(
      await callJson<AuditPage>(
        props.context,
        `/admin/audit${queryString({ ...filterParams(filters), limit: String(PAGE_SIZE), cursor })}`,
      ),
    );
  }, [props.context, filters, cursors]);
  useEffect(() => void load(), [load, reloads]);

  if (result && isLicenseLock(result)) {
    return (
      <div class="ee-page" data-testid="page-audit">
        <h1>Audit log</h1>
        <FeatureLocked
          context={props.context}
          feature="audit"
          title="The audit log"
          lock={result}
          onUnlocked={() => setReloads(reloads + 1)}
        />
      </div>
    );
  }

  const page = result?.ok ? result.data : undefined;
  return (
    <div class="ee-page" data-testid="page-audit">
      <h1>Audit log</h1>
      <p class="ee-muted">Every admin action, key change, model change, sign-in and refusal, hash-chained so that tampering shows.</p>
      {result?.ok && <VerifyBadge context={props.context} refreshKey={reloads} onFirstBad={setFirstBadSeq} />}
      <AuditFilters
        onApply={(next) => {
          setFilters(next);
          setCursors([]);
        }}
      />
      <section aria-labelledby="audit-entries-title" class="ee-card">
        <h2 id="audit-entries-title">Entries</h2>
        <ExportLinks filters={filters} />
        {result && !result.ok && <Notice kind="error">Could not read the audit log: {result.message}</Notice>}
        {!result && <p class="ee-muted">Loading…</p>}
        {page && <AuditTable entries={page.entries} firstBadSeq={firstBadSeq} />}
        <nav class="ee-actions" aria-label="Audit log pages">
          <button
            type="button"
            class="ee-button"
            data-testid="audit-page-newer"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer entries
          </button>
          <button
            type="button"
            class="ee-button"
            data-testid="audit-page-older"
            disabled={!page?.nextCursor}
            onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
          >
            Older entries
          </button>
          <button type="button" class="ee-button" data-testid="audit-refresh" onClick={() => setReloads(reloads + 1)}>
            Refresh
          </button>
        </nav>
      </section>
    </div>
  );
}

export const mount = pageMount(AuditPageView);
