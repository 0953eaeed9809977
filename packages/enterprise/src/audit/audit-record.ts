/** What the audit store appends: core's AuditEvent shape plus optional structured detail (never payloads). */
import type { AuditEvent } from '@sluice/core';

export interface AuditRecord extends AuditEvent {
  /** Small structured facts, e.g. a license change's license id and new state. */
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * Sink the license service and routes write through; decides itself whether the audit log is recording.
 * `always`: record even without the audit entitlement once the log has entries (license changes);
 * `force`: record even into an empty log (the trial's start: it is what turns the log on, and must not happen
 * unrecorded).
 */
export type AuditSink = (record: AuditRecord, options?: { always?: boolean; force?: boolean }) => void;
