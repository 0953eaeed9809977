/**
 * Turns core's events into audit entries while the `audit` entitlement is active:
 * - every `audit` event (admin actions, key changes, model load/unload/alias/traffic, auth failures);
 * - `inference.completed` when inference auditing is 'metadata' (who, model, version, outcome, counts; never
 *   payloads, which the event does not carry anyway);
 * - license changes, written directly by the license service and routes.
 *
 * Durability and failing closed: the listeners are durable, so each insert commits inside core's emit(),
 * before the emitting request goes on. When the insert fails (disk full, read-only volume) the sink throws
 * SLUICE_ERR_AUDIT_UNAVAILABLE; core's bus hands that to the emitter, and `audited` refuses the action (its
 * intent could not be recorded). Inference auditing is the exception: inference never stops for the audit
 * log, so a failed inference record is logged and counted (sluice_audit_write_failures_total) and the request
 * is served.
 */
import { SluiceError, type AuditEvent, type InferenceCompletedEvent, type SluiceExtensions } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditCounters } from './audit-metrics.js';
import type { AuditRecord, AuditSink } from './audit-record.js';
import type { AuditStore } from './audit-store.js';
import type { SiemForwarder } from './siem-forwarder.js';

export type InferenceAuditMode = 'off' | 'metadata';

export const INFERENCE_ROUTES = new Set(['/v2/models/:model/infer', '/v2/models/:model/versions/:version/infer', '/v1/embeddings']);

export interface AuditRecorder {
  sink: AuditSink;
  /** Subscribes to core's events; returns the unsubscribe function. */
  subscribe(events: SluiceExtensions['events']): () => void;
}

export function inferenceAuditRecord(event: InferenceCompletedEvent): AuditRecord {
  const id = event.keyId ?? event.subject;
  return {
    time: event.time,
    action: 'inference',
    outcome: event.status,
    actor: { kind: event.principalKind ?? 'anonymous', ...(id ? { id } : {}) },
    resource: { type: 'model', id: event.version !== undefined ? `${event.model}:${event.version}` : event.model },
    ...(event.errorCode ? { reason: event.errorCode } : {}),
    ...(event.requestId ? { requestId: event.requestId } : {}),
    detail: { items: event.items, tokens: event.tokens ?? null, totalMs: Math.round(event.totalMs) },
  };
}

export function createAuditRecorder(deps: {
  store: AuditStore;
  /** Whether the audit entitlement is active right now. */
  recording: () => boolean;
  inferenceAudit: InferenceAuditMode;
  forwarder?: SiemForwarder;
  counters: AuditCounters;
  logger: FastifyBaseLogger;
}): AuditRecorder {
  const { store, forwarder, logger, counters } = deps;

  const sink: AuditSink = (record, options = {}) => {
    // License events are kept even after features switched off, if the log was ever used: the switch-off is itself worth recording.
    try {
      if (!deps.recording() && options.force !== true && !(options.always === true && store.chain().headSeq > 0)) return;
      store.append(record, { outbox: forwarder !== undefined });
    } catch (error) {
      logger.error({ err: error, action: record.action }, 'cannot append to the audit log');
      throw new SluiceError('SLUICE_ERR_AUDIT_UNAVAILABLE', `"${record.action}" cannot be recorded in the audit log right now`, {
        cause: error,
      });
    }
    forwarder?.kick();
  };

  const recordInference = (event: Readonly<InferenceCompletedEvent>) => {
    try {
      sink(inferenceAuditRecord(event));
    } catch {
      counters.writeFailures.inference++; // logged by the sink; inference never stops for the audit log
    }
  };

  const recordAudit = (event: Readonly<AuditEvent>) => {
    try {
      sink(event as AuditRecord);
    } catch (error) {
      counters.writeFailures.audit++;
      throw error;
    }
  };

  return {
    sink,
    subscribe(events) {
      // Durable: the insert commits inside emit(), before the audited action's response can be sent.
      const offAudit = events.on('audit', recordAudit, { durable: true });
      const offInference =
        deps.inferenceAudit === 'metadata' ? events.on('inference.completed', recordInference, { durable: true }) : () => undefined;
      return () => {
        offAudit();
        offInference();
      };
    },
  };
}
