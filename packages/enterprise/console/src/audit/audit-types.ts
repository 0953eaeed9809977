/** What the audit routes answer (packages/enterprise/src/audit: AuditEntry, AuditPage, VerifyResult). */
export interface AuditEntry {
  seq: number;
  time: string;
  action: string;
  outcome: string;
  actor: { kind: string; id?: string; name?: string };
  resource: { type: string; id?: string };
  reason?: string;
  ip?: string;
  requestId?: string;
  count?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor?: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  anchorSeq: number;
  headSeq: number;
  firstBad?: { seq: number; kind: string; message: string };
}

/** The filters as the form holds them; times are `datetime-local` values (the browser's local time). */
export interface AuditFilterValues {
  from: string;
  to: string;
  actor: string;
  action: string;
  outcome: string;
  resourceType: string;
  resourceId: string;
}

export const EMPTY_FILTERS: AuditFilterValues = { from: '', to: '', actor: '', action: '', outcome: '', resourceType: '', resourceId: '' };

/** Query parameters of /admin/audit and /admin/audit/export for these filters. */
export function filterParams(filters: AuditFilterValues): Record<string, string | undefined> {
  const iso = (local: string) => (local === '' ? undefined : new Date(local).toISOString());
  return {
    from: iso(filters.from),
    to: iso(filters.to),
    actor: filters.actor.trim(),
    action: filters.action.trim(),
    outcome: filters.outcome,
    resource_type: filters.resourceType.trim(),
    resource_id: filters.resourceId.trim(),
  };
}
