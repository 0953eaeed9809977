/** Calls to the public HTTP API that always resolve to a result a page can render (never a thrown 402). */
import type { PageContext } from './context.js';

export type ApiResult<T> = { ok: true; status: number; data: T } | { ok: false; status: number; code?: string; message: string };

/** The error codes that mean "an enterprise license would unlock this": pages explain instead of failing. */
export function isLicenseLock(result: ApiResult<unknown>): boolean {
  return !result.ok && (result.code === 'SLUICE_EE_ERR_LICENSE_REQUIRED' || result.code === 'SLUICE_EE_ERR_NOT_ENTITLED');
}

export async function callJson<T>(context: PageContext, path: string, init?: RequestInit): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await context.api(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (error) {
    return { ok: false, status: 0, message: `the server could not be reached (${(error as Error).message})` };
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, data: body as T };
  const error = body && typeof body === 'object' ? (body as { error?: unknown; code?: unknown }) : {};
  return {
    ok: false,
    status: response.status,
    ...(typeof error.code === 'string' ? { code: error.code } : {}),
    message: typeof error.error === 'string' ? error.error : `the server answered ${response.status} ${response.statusText}`.trim(),
  };
}

/** JSON request body helper. */
export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** A query string from the set values only. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
