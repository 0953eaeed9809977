/**
 * GET /stats/series?minutes=N (scope models:read or metrics:read): inference traffic in 5-second intervals over
 * the last N minutes (1 … 30, default 15), for the console's charts (observability/traffic-series.ts). A key
 * limited to some models sees only their traffic.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INTERVAL_MS, MAX_MINUTES } from '../observability/traffic-series.js';
import { errorResponseSchema } from './error-handler.js';

const nullableNumber = { type: 'number', nullable: true } as const;

const seriesSchema = {
  type: 'object',
  properties: {
    intervalMs: { type: 'integer', description: 'Length of each interval (5000)' },
    minutes: { type: 'integer' },
    intervals: {
      type: 'array',
      description: 'Oldest first; the last one is the interval in progress. Intervals without traffic have zero counts and null averages.',
      items: {
        type: 'object',
        properties: {
          time: { type: 'integer', description: "The interval's start, Unix milliseconds" },
          requests: { type: 'integer', description: 'Inference requests that finished in the interval' },
          errors: { type: 'integer', description: 'Of which failed' },
          latencyP50Ms: { ...nullableNumber, description: 'Median end-to-end time of successful requests' },
          latencyP95Ms: { ...nullableNumber, description: '95th percentile of the same' },
          queueMsAvg: { ...nullableNumber, description: 'Average time before the execution started' },
          computeMsAvg: { ...nullableNumber, description: 'Average ONNX Runtime execution time' },
          batchSizeAvg: { ...nullableNumber, description: 'Average requests per execution (above 1 when dynamic batching merged them)' },
          versions: {
            type: 'object',
            description: 'Per "<model>/<version>" (at most 24 per interval)',
            additionalProperties: {
              type: 'object',
              properties: { requests: { type: 'integer' }, errors: { type: 'integer' }, latencyP95Ms: nullableNumber },
              required: ['requests', 'errors', 'latencyP95Ms'],
            },
          },
        },
        required: ['time', 'requests', 'errors', 'latencyP50Ms', 'latencyP95Ms', 'queueMsAvg', 'computeMsAvg', 'batchSizeAvg', 'versions'],
      },
    },
  },
  required: ['intervalMs', 'minutes', 'intervals'],
  example: {
    intervalMs: INTERVAL_MS,
    minutes: 1,
    intervals: [
      {
        time: 1_796_130_000_000,
        requests: 0,
        errors: 0,
        latencyP50Ms: null,
        latencyP95Ms: null,
        queueMsAvg: null,
        computeMsAvg: null,
        batchSizeAvg: null,
        versions: {},
      },
      {
        time: 1_796_130_005_000,
        requests: 42,
        errors: 1,
        latencyP50Ms: 3.2,
        latencyP95Ms: 7.9,
        queueMsAvg: 0.8,
        computeMsAvg: 2.1,
        batchSizeAvg: 1.6,
        versions: { 'sentiment/1': { requests: 42, errors: 1, latencyP95Ms: 7.9 } },
      },
    ],
  },
} as const;

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/stats/series',
    {
      schema: {
        tags: ['operations'],
        summary: "Inference traffic in 5-second intervals over the last minutes (the console's charts)",
        querystring: {
          type: 'object',
          properties: { minutes: { type: 'integer', minimum: 1, maximum: MAX_MINUTES, default: 15 } },
          additionalProperties: false,
        },
        response: { 200: seriesSchema, 400: errorResponseSchema },
      },
    },
    async (request: FastifyRequest<{ Querystring: { minutes?: number } }>, reply) =>
      reply.header('cache-control', 'no-store').send(app.sluice.series.query(request.query.minutes ?? 15, request.principal?.models)),
  );
}
