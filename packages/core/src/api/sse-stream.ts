/**
 * Server-sent events for the streaming routes (OpenAI `stream: true`, Triton's generate_stream): a stream
 * handed to fastify (so the usual onSend hooks still set request id and security headers), `data:` lines
 * written as events arrive, and an AbortSignal that fires when the client goes away before the end, so
 * the generation behind it stops.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';

export interface SseStream {
  /** Writes one `data:` event (objects as JSON, strings as they are). */
  send(data: unknown): void;
  end(): void;
}

/** Fires when the client closes the connection before the response has been fully written. */
export function clientGoneSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function startSse(reply: FastifyReply): SseStream {
  const stream = new PassThrough();
  reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-accel-buffering', 'no') // reverse proxies: do not buffer the stream
    .send(stream);
  return {
    send(data) {
      if (!stream.writableEnded) stream.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!stream.writableEnded) stream.end();
    },
  };
}
