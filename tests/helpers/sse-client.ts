/** Reads a server-sent-events response over real HTTP, event by event, and can hang up mid-stream. */
export interface SseSession {
  status: number;
  headers: Headers;
  /** The next `data:` payload (parsed JSON, or the raw string such as "[DONE]"); undefined at the end. */
  next(): Promise<unknown>;
  /** Every remaining payload. */
  rest(): Promise<unknown[]>;
  /** Closes the connection as a client that goes away would. */
  abort(): void;
}

export async function openSse(url: string, body: unknown, headers: Record<string, string>): Promise<SseSession> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending: unknown[] = [];
  let ended = false;

  async function next(): Promise<unknown> {
    while (pending.length === 0 && !ended) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch {
        ended = true;
        break;
      }
      if (chunk.done) {
        ended = true;
        break;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      let boundary;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        for (const line of event.split('\n')) {
          if (!line.startsWith('data: ')) continue;
          const data = line.slice(6);
          try {
            pending.push(JSON.parse(data));
          } catch {
            pending.push(data);
          }
        }
      }
    }
    return pending.shift();
  }

  return {
    status: response.status,
    headers: response.headers,
    next,
    async rest() {
      const all: unknown[] = [];
      for (let event = await next(); event !== undefined; event = await next()) all.push(event);
      return all;
    },
    abort: () => controller.abort(),
  };
}
