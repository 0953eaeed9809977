/**
 * Sends fuzz cases over fresh connections (so a reset is the case's own) and checks what came back: an
 * answer within the time bound, no 5xx, no reset, no internals in the body.
 */
import http from 'node:http';
import net from 'node:net';

export interface FuzzAnswer {
  status?: number;
  body: string;
  /** 'reset' (the connection broke before an answer), 'timeout', or 'unsendable' (Node refused to send it). */
  failure?: 'reset' | 'timeout' | 'unsendable';
  detail?: string;
  ms: number;
}

export function sendHttp(
  base: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  timeoutMs: number,
): Promise<FuzzAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (answer: Omit<FuzzAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...answer, ms: performance.now() - started });
    };
    let request: http.ClientRequest;
    try {
      request = http.request({
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: { ...headers, connection: 'close', ...(body ? { 'content-length': String(body.byteLength) } : {}) },
        agent: false,
      });
    } catch (error) {
      resolve({ failure: 'unsendable', detail: (error as Error).message, body: '', ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      finish({ failure: 'timeout', body: '' });
      request.destroy();
    }, timeoutMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => finish({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) =>
        finish({ failure: 'reset', detail: error.message, status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    request.on('error', (error) => finish({ failure: 'reset', detail: (error as NodeJS.ErrnoException).code ?? error.message, body: '' }));
    request.end(body);
  });
}

/** Writes raw bytes, half-closes, and reads whatever comes back until the server closes. */
export function sendRaw(base: URL, bytes: Buffer, timeoutMs: number): Promise<FuzzAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (failure?: FuzzAnswer['failure'], detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      const body = text.includes('\r\n\r\n') ? text.slice(text.indexOf('\r\n\r\n') + 4) : '';
      resolve({ status: status ? Number(status) : undefined, body, failure, detail, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => finish());
    // A reset after a complete answer is the server closing a connection it refused: only a reset without one counts.
    socket.on('error', (error) => finish(chunks.length > 0 ? undefined : 'reset', (error as NodeJS.ErrnoException).code));
    socket.on('connect', () => socket.end(bytes));
  });
}

const STACK_FRAME = /\bat (?:async )?[\w$.<>[\] ]+ \((?:file:|node:|\/)|\n\s+at |\.(?:ts|js|mjs|cjs):\d+:\d+/;
const ABSOLUTE_PATH = /(?<![\w.])\/(?:work|tmp|root|home|usr|etc|var|proc|opt|srv|mnt|app)\/[^\s"']*/;
/** Bits of files that must never reach a client: system files, keys, tokenizer and model internals. */
const FILE_MARKERS = [
  'root:x:0:0',
  '-----BEGIN',
  '"normalizer"',
  '"pre_tokenizer"',
  '"[PAD]"',
  '"tokenizer": "tokenizer.json"',
  'onnx_proto',
  'node_modules',
  '"license": "MIT (afinn',
];

/** Which internals the body shows that the request itself did not contain (an echo of the client's input is fine). */
export function internalsIn(body: string, sent: string, fileMarkers: string[] = []): string[] {
  const found: string[] = [];
  const frame = STACK_FRAME.exec(body)?.[0];
  if (frame && !sent.includes(frame)) found.push(`stack frame ${JSON.stringify(frame)}`);
  const pathMatch = ABSOLUTE_PATH.exec(body)?.[0];
  if (pathMatch && !sent.includes(pathMatch.slice(0, 12)) && !sent.includes(encodeURIComponent(pathMatch.slice(0, 12))))
    found.push(`absolute path ${JSON.stringify(pathMatch.slice(0, 60))}`);
  for (const marker of [...FILE_MARKERS, ...fileMarkers])
    if (body.includes(marker) && !sent.includes(marker)) found.push(`file contents ${JSON.stringify(marker)}`);
  return found;
}

/** The violations of one answer; empty when it is fine. */
export function violationsOf(answer: FuzzAnswer, sent: string, fileMarkers: string[] = []): string[] {
  const violations: string[] = [];
  if (answer.failure === 'reset') violations.push(`connection reset (${answer.detail ?? ''})`);
  if (answer.failure === 'timeout') violations.push('no answer within the time bound');
  if (answer.status !== undefined && answer.status >= 500) violations.push(`status ${answer.status} ${codeOf(answer.body)}`);
  if (answer.status !== undefined && answer.status >= 400 && !codeOf(answer.body))
    violations.push(`status ${answer.status} without the {error, code} format`);
  violations.push(...internalsIn(answer.body, sent, fileMarkers));
  return violations;
}

/** The error code of a Sluice or OpenAI-shaped error body, if any. */
function codeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; error?: { code?: unknown } };
    return String(parsed.code ?? parsed.error?.code ?? '');
  } catch {
    return '';
  }
}
