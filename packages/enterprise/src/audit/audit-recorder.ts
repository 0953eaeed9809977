/**
 * Turns core's events into audit entries while the `audit` entitlement is active:
 * - every `audit` event (admin actions, key changes, model load/unload/alias/traffic, auth failures);
 * - `inference.completed` when inference auditing is 'metadata' (who, model, version, outcome, counts; never
 *   payloads, which the event does not carry anyway);
 * - license changes, written directly by the license service and routes.
 *
 * Durability: core's bus delivers events with setImmediate, which can be after the response was written. So
 * an onSend hook waits one setImmediate turn before a response leaves: the listener's turn was queued first
 * (at emit time), so its synchronous, committed insert has happened before the client sees the answer, and a
 * kill -9 right after the response cannot lose the entry. Inference routes skip the wait unless inference
 * auditing is on.
 */
import type { AuditEvent, InferenceCompletedEvent, SluiceExtensions } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';
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
  logger: FastifyBaseLogger;
}): AuditRecorder {
  const { store, forwarder, logger } = deps;

  const sink: AuditSink = (record, options = {}) => {
    // License events are kept even after features switched off, if the log was ever used: the switch-off is itself worth recording.
    if (!deps.recording() && !(options.always === true && store.chain().headSeq > 0)) return;
    try {
      store.append(record, { outbox: forwarder !== undefined });
      forwarder?.kick();
    } catch (error) {
      logger.error({ err: error, action: record.action }, 'cannot append to the audit log');
      throw error;
    }
  };

  return {
    sink,
    subscribe(events) {
      // Durable: the insert commits inside emit(), before the audited action's response can be sent.
      const offAudit = events.on('audit', (event: Readonly<AuditEvent>) => sink(event as AuditRecord), { durable: true });
      const offInference = deps.inferenceAudit === 'metadata'
        ? events.on('inference.completed', (event: Readonly<InferenceCompletedEvent>) => sink(inferenceAuditRecord(event)), { durable: true })
        : () => undefined;
      return () => {
        offAudit();
        offInference();
      };
    },
  };
}
