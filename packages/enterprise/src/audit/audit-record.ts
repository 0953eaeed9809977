/** What the audit store appends: core's AuditEvent shape plus optional structured detail (never payloads). */
import type { AuditEvent } from '@sluice/core';

export interface AuditRecord extends AuditEvent {
  /** Small structured facts, e.g. a license change's license id and new state. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Sink the license service and routes write through; decides itself whether the audit log is recording. */
export type AuditSink = (record: AuditRecord, options?: { always?: boolean }) => void;
