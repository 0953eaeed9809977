/**
 * Fuzz failures in areas other branches are fixing (auth, enterprise, registry, runtime, server). Each entry
 * is a failure that still happens on this branch; tests/fuzz.test.ts fails when one stops happening, so the
 * entry is removed (and the check enabled) once the fix is merged. Never add an entry for the codec's own routes.
 */
export interface KnownFailure {
  /** Why this is expected today, and which issue-11 item fixes it. */
  reason: string;
  /** The fuzz route label ("METHOD /pattern", or "raw ..."). */
  route: string | RegExp;
  /** Matches the violation text (e.g. "status 500 SLUICE_ERR_INTERNAL"). */
  violation: RegExp;
  /** Matches the input's description (method, path, headers, body), when only some inputs fail. */
  input?: RegExp;
}

const REAL_MODELS = '(?:sentiment|silero-vad|ocr-direction|ocr-detector)(?:[/?: ]|$)';

export const KNOWN_FUZZ_FAILURES: KnownFailure[] = [
  {
    reason: 'issue 11 #13 (registry): loading a model name that does not exist leaves a ghost entry that answers 503 instead of 404 ever after',
    route: /./,
    violation: /^status 503 SLUICE_ERR_MODEL_NOT_READY/,
    input: new RegExp(`^\\S+ /v[12]/models/(?!${REAL_MODELS})`),
  },
  {
    reason: 'issue 11 #7 (enterprise): an absurd olderThanDays (1e308, 2^53) makes audit retention compute an invalid date and answer 500',
    route: 'POST /admin/audit/retention',
    violation: /^status 500 SLUICE_ERR_INTERNAL/,
    input: /olderThanDays/,
  },
  {
    reason: 'issue 11 #6 (registry/runtime): a load failure carries ONNX Runtime\'s message with the model file\'s absolute path into 422/503 bodies, the repository index and the audit log',
    route: /./,
    violation: /^absolute path "\/tmp\/sluice-models-[^/]+\/broken-onnx\/1\/model\.onnx/,
  },
  {
    reason: 'issue 11 #6 (registry): a config.json parse error quotes the file\'s first bytes (V8\'s JSON.parse message) in 503 bodies and the repository index',
    route: /./,
    violation: /^file contents "SECRETCO"/,
  },
  {
    reason: 'issue 11 #13 (server): requests Node\'s HTTP parser refuses (bad framing, control characters in headers, bad request line, no Host) get fastify\'s default clientError body, not {error, code}',
    route: /^raw /,
    violation: /^status 400 without the \{error, code\} format/,
  },
  {
    reason: 'issue 11 #13 (server): oversized headers get a 431 with fastify\'s default clientError body, not {error, code}',
    route: /./,
    violation: /^status 431 without the \{error, code\} format/,
  },
];
