/**
 * The one catalogue of core error codes. Every error a client can see carries one of these codes, the HTTP
 * status that goes with it and a message. `tests/errors-documented.test.ts` checks each code is documented.
 */
export const ERROR_CATALOGUE = {
  SLUICE_ERR_BAD_REQUEST: { status: 400, summary: 'The request is malformed (bad JSON, missing or mistyped field).' },
  SLUICE_ERR_MODEL_NOT_FOUND: { status: 404, summary: 'No model with that name is in the repository.' },
  SLUICE_ERR_VERSION_NOT_FOUND: { status: 404, summary: 'The model exists but not that version (or alias).' },
  SLUICE_ERR_MODEL_LOAD_FAILED: {
    status: 422,
    summary: 'A repository load failed (corrupt file, bad config.json, unusable signature); versions already serving keep serving.',
  },
  SLUICE_ERR_MODEL_NOT_READY: { status: 503, summary: 'The model or version exists but is not loaded (loading, unloading, failed).' },
  SLUICE_ERR_INPUT_UNKNOWN: { status: 400, summary: 'An input name the model does not have.' },
  SLUICE_ERR_INPUT_MISSING: { status: 400, summary: 'An input the model needs was not sent.' },
  SLUICE_ERR_INPUT_DUPLICATE: { status: 400, summary: 'The same input name was sent twice.' },
  SLUICE_ERR_DATATYPE_MISMATCH: { status: 400, summary: "An input's datatype differs from the model's." },
  SLUICE_ERR_SHAPE_MISMATCH: { status: 400, summary: "An input's shape is incompatible with the model's." },
  SLUICE_ERR_ELEMENT_COUNT: { status: 400, summary: 'The number of data elements does not match the shape.' },
  SLUICE_ERR_INVALID_DATA: { status: 400, summary: 'A data element is not valid for its datatype (e.g. a string in an FP32 tensor).' },
  SLUICE_ERR_OUTPUT_UNKNOWN: { status: 400, summary: 'A requested output the model does not have.' },
  SLUICE_ERR_OUTPUT_DUPLICATE: { status: 400, summary: 'The same output name was requested twice.' },
  SLUICE_ERR_BINARY_DATA: { status: 400, summary: 'The binary tensor data extension was used inconsistently (sizes, header length).' },
  SLUICE_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The request body has a content type the route does not accept.' },
  SLUICE_ERR_BODY_TOO_LARGE: { status: 413, summary: 'The request body is larger than the configured limit (--max-body-bytes).' },
  SLUICE_ERR_UNAUTHENTICATED: {
    status: 401,
    summary: 'No valid credentials: send `Authorization: Bearer <API key>` (the key may be unknown, revoked or expired).',
  },
  SLUICE_ERR_FORBIDDEN: { status: 403, summary: "The caller's key lacks the scope this route needs, or may not use this model." },
  SLUICE_ERR_NOT_ENTITLED: { status: 403, summary: 'The route belongs to a feature the current plan does not include (see the license).' },
  SLUICE_ERR_AUDIT_UNAVAILABLE: {
    status: 503,
    summary:
      'The action must be audited and the audit log cannot record it right now (e.g. the disk is full): the action was not carried out (unless the message says its outcome alone went unrecorded). Inference is unaffected; retry after fixing the storage.',
  },
  SLUICE_ERR_KEY_NOT_FOUND: { status: 404, summary: 'No API key with that id.' },
  SLUICE_ERR_RATE_LIMITED: { status: 429, summary: "The caller exceeded its rate limit; retry after the Retry-After header's seconds." },
  SLUICE_ERR_ROUTE_NOT_FOUND: { status: 404, summary: 'No route matches the method and path.' },
  SLUICE_ERR_INFERENCE_FAILED: {
    status: 422,
    summary: 'ONNX Runtime rejected the inputs while running the model (e.g. an index out of range).',
  },
  SLUICE_ERR_REQUEST_TIMEOUT: {
    status: 503,
    summary: 'The inference did not finish within --request-timeout-ms; retry later or raise the limit.',
  },
  SLUICE_ERR_QUEUE_FULL: {
    status: 503,
    summary: "The model version's dynamic batching queue is full (max_queue_size); retry after the Retry-After seconds.",
  },
  SLUICE_ERR_WORKER_LOST: {
    status: 503,
    summary: 'The model worker running the request stopped (crash or restart); it is being replaced; retry after the Retry-After seconds.',
  },
  SLUICE_ERR_TOO_MANY_ITEMS: {
    status: 413,
    summary: 'A text input has more items (rows of a BYTES tensor) than --max-request-items allows.',
  },
  SLUICE_ERR_TEXT_TOO_LARGE: {
    status: 413,
    summary: 'A text is longer than --max-text-bytes, or all texts of the request together exceed --max-request-text-bytes.',
  },
  SLUICE_ERR_TASK_MISMATCH: {
    status: 400,
    summary: "The model's task does not serve this endpoint (e.g. /v1/embeddings needs a text-embedding model).",
  },
  SLUICE_ERR_SHUTTING_DOWN: { status: 503, summary: 'The server is shutting down and takes no new work.' },
  SLUICE_ERR_RECEIVE_TIMEOUT: {
    status: 408,
    summary:
      'The request (headers and body) did not arrive within --receive-timeout-ms (or its headers within --headers-timeout-ms); the connection is closed.',
  },
  SLUICE_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    summary: "The request's headers exceed the HTTP server's size limit; the connection is closed.",
  },
  SLUICE_ERR_TOO_MANY_CONNECTIONS: {
    status: 503,
    summary:
      'This client address already holds --max-connections-per-client open connections; the new one is closed. Retry after the Retry-After seconds.',
  },
  SLUICE_ERR_CONSOLE_NOT_BUILT: {
    status: 404,
    summary: 'The web console is not built: run `npm run build` (or point --console-dir at a built console) and restart.',
  },
  SLUICE_ERR_CONTEXT_TOO_LONG: {
    status: 400,
    summary: "Text generation: the prompt plus max_tokens exceed the model's context length or its KV-cache budget.",
  },
  SLUICE_ERR_GENERATION_BUSY: {
    status: 503,
    summary:
      "Text generation: the model's batch is full and its waiting room too (generation.max_sequences, max_waiting); retry after the Retry-After seconds.",
  },
  SLUICE_ERR_UNSUPPORTED_PARAMETER: {
    status: 400,
    summary: 'A request parameter Sluice does not support (e.g. n > 1, tools, logprobs): refused rather than silently ignored.',
  },
  SLUICE_ERR_INVALID_MEDIA: {
    status: 400,
    summary:
      'An image or audio input could not be decoded: not a supported format (PNG, JPEG, WebP; WAV), corrupt, or empty. The message names the pipeline step.',
  },
  SLUICE_ERR_MEDIA_TOO_LARGE: {
    status: 413,
    summary: 'An image has more pixels, or an audio file more seconds, than the pipeline step accepts (the message says the limit).',
  },
  SLUICE_ERR_PIPELINE_STEP_FAILED: {
    status: 422,
    summary:
      "A pipeline step could not process what the previous steps produced (e.g. a member model's output has an unexpected shape); the message names the step.",
  },
  SLUICE_ERR_INTERNAL: { status: 500, summary: 'An unexpected server fault; the log has the details under the request id.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface CatalogueErrorOptions {
  /** Extra headers to send with the error response (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error meant for the client, from some catalogue (core's SLUICE_ERR_*, a plugin's SLUICE_<X>_ERR_*): its
 * message is safe to show. Core's error handler answers any of them as {"error", "code"} with their status.
 */
export class CatalogueError<Code extends string = string> extends Error {
  readonly headers: Record<string, string>;

  constructor(
    readonly code: Code,
    readonly statusCode: number,
    message: string,
    options: CatalogueErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.headers = options.headers ?? {};
  }
}

/** An error from core's catalogue. */
export class SluiceError extends CatalogueError<ErrorCode> {
  constructor(code: ErrorCode, message: string, options: CatalogueErrorOptions = {}) {
    super(code, ERROR_CATALOGUE[code].status, message, options);
    this.name = 'SluiceError';
  }
}

export function isSluiceError(error: unknown): error is SluiceError {
  return error instanceof SluiceError;
}

/** A configuration problem found at start-up; names the offending key so the operator can fix it. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`invalid configuration "${key}": ${message}`);
    this.name = 'ConfigError';
  }
}
