/** Maps the inference service's outcome onto the public `inference.completed` event (no payloads exist to leak). */
import type { InferenceCompletedEvent } from '../extensions.js';
import type { InferenceOutcome } from '../models/inference-service.js';

export function inferenceCompletedEvent(outcome: InferenceOutcome): InferenceCompletedEvent {
  const { caller } = outcome;
  const isKey = caller?.principalKind === 'api-key';
  return {
    time: new Date().toISOString(),
    ...(caller?.principalId ? (isKey ? { keyId: caller.principalId } : { subject: caller.principalId }) : {}),
    ...(caller?.principalKind ? { principalKind: caller.principalKind } : {}),
    model: outcome.model,
    ...(outcome.version !== undefined ? { version: outcome.version } : {}),
    items: outcome.items,
    ...(outcome.tokens !== undefined ? { tokens: outcome.tokens } : {}),
    ...(outcome.promptTokens !== undefined ? { promptTokens: outcome.promptTokens } : {}),
    ...(outcome.completionTokens !== undefined ? { completionTokens: outcome.completionTokens } : {}),
    queueMs: outcome.queueMs,
    computeMs: outcome.computeMs,
    totalMs: outcome.totalMs,
    status: outcome.status,
    ...(outcome.errorCode ? { errorCode: outcome.errorCode } : {}),
    ...(caller?.requestId ? { requestId: caller.requestId } : {}),
  };
}
