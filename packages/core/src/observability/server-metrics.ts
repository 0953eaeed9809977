/** The series Sluice exports at /metrics. Names follow Prometheus conventions; labels are model and version. */
import { Counter, Gauge, Histogram, MetricsRegistry } from './prometheus.js';

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export function createServerMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    requestSuccess: registry.register(
      new Counter('sluice_inference_request_success_total', 'Inference requests that succeeded, per model and version.'),
    ),
    requestFailure: registry.register(
      new Counter('sluice_inference_request_failure_total', 'Inference requests that failed, per model, version and error code.'),
    ),
    inferenceCount: registry.register(
      new Counter('sluice_inference_count_total', 'Items inferred (the batch dimension summed over requests).'),
    ),
    executionCount: registry.register(
      new Counter(
        'sluice_inference_exec_count_total',
        'ONNX Runtime executions; less than the request count when dynamic batching merges requests.',
      ),
    ),
    requestDuration: registry.register(
      new Histogram(
        'sluice_inference_request_duration_seconds',
        'End-to-end inference handling time, from routing to response.',
        SECONDS_BUCKETS,
      ),
    ),
    queueDuration: registry.register(
      new Histogram(
        'sluice_inference_queue_duration_seconds',
        'Time a request waited before its ONNX Runtime execution started.',
        SECONDS_BUCKETS,
      ),
    ),
    computeDuration: registry.register(
      new Histogram(
        'sluice_inference_compute_duration_seconds',
        'ONNX Runtime execution time of the run that served the request.',
        SECONDS_BUCKETS,
      ),
    ),
    batchSize: registry.register(
      new Histogram('sluice_inference_batch_size', 'Requests merged into one ONNX Runtime execution.', BATCH_BUCKETS),
    ),
    httpRequests: registry.register(new Counter('sluice_http_requests_total', 'HTTP requests by route and status code.')),
    modelState: registry.register(new Gauge('sluice_model_version_ready', '1 when the model version is loaded and serving, else 0.')),
    timeToFirstToken: registry.register(
      new Histogram(
        'sluice_generation_time_to_first_token_seconds',
        'Text generation: time from the request to its first generated token.',
        SECONDS_BUCKETS,
      ),
    ),
    interTokenLatency: registry.register(
      new Histogram(
        'sluice_generation_inter_token_latency_seconds',
        'Text generation: time between consecutive tokens of one sequence.',
        SECONDS_BUCKETS,
      ),
    ),
    generatedTokens: registry.register(
      new Counter('sluice_generation_tokens_total', 'Text generation: tokens generated (rate() of it is tokens/s).'),
    ),
    promptTokens: registry.register(new Counter('sluice_generation_prompt_tokens_total', 'Text generation: prompt tokens prefilled.')),
    stepSequences: registry.register(
      new Histogram(
        'sluice_generation_step_sequences',
        'Text generation: sequences one worker step served (decode rows plus a prefill chunk).',
        BATCH_BUCKETS,
      ),
    ),
    runningSequences: registry.register(
      new Gauge('sluice_generation_running_sequences', 'Text generation: sequences in the running batch (prefilling or decoding).'),
    ),
    waitingSequences: registry.register(
      new Gauge('sluice_generation_waiting_sequences', 'Text generation: sequences waiting for a place in the batch.'),
    ),
    kvCacheBytes: registry.register(
      new Gauge('sluice_generation_kv_cache_bytes', 'Text generation: KV-cache bytes held in the worker (padding included).'),
    ),
    kvCacheReservedBytes: registry.register(
      new Gauge(
        'sluice_generation_kv_cache_reserved_bytes',
        'Text generation: KV-cache bytes reserved by admitted sequences (prompt + max tokens), against the budget.',
      ),
    ),
    process: registry.register(new Gauge('sluice_process_resident_memory_bytes', 'Resident set size of the server process.')),
  };
}

export type ServerMetrics = ReturnType<typeof createServerMetrics>;
