/**
 * The console's one way to the server: same-origin fetch with the session cookie (never a key in JS memory
 * after sign-in, never in storage). Errors become ApiError with the server's message, so a page can show it.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const sessionLostListeners = new Set<() => void>();

/** Called when a request is answered 401: the session expired or was revoked. Returns the unsubscribe. */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => void sessionLostListeners.delete(listener);
}

/** fetch() on our own origin with the session cookie. Rejects only on network errors. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`api paths are same-origin absolute paths, got "${path}"`);
  return fetch(path, { credentials: 'same-origin', ...init });
}

/** The message a person should read for a failed response: the server's {error, code} when it sent one. */
export async function errorOf(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText || 'error'}`;
  let code: string | undefined;
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown; code?: unknown };
    const text = typeof body.error === 'string' ? body.error : typeof body.message === 'string' ? body.message : undefined;
    if (text) message = text;
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // Not JSON (a proxy's error page, an empty body): the status line is all there is.
  }
  return new ApiError(message, response.status, code);
}

/** A JSON request; resolves with the parsed body (undefined for 204), rejects with ApiError. */
export async function apiJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  let response: Response;
  try {
    response = await api(path, init);
  } catch (error) {
    throw new ApiError(`The server did not answer (${(error as Error).message}). Is it running?`, 0);
  }
  if (!response.ok) {
    // The session's own routes answer 401 as a normal "not signed in"; anywhere else it means the session ended.
    if (response.status === 401 && !path.startsWith('/auth/')) for (const listener of sessionLostListeners) listener();
    throw await errorOf(response);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A person-readable message for anything a request can throw. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.code ? `${error.message} (${error.code})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
