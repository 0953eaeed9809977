/**
 * The `curl` command equivalent to a console request, for a person to copy into a terminal. The key is always
 * the placeholder $SLUICE_API_KEY: the console never holds the real one.
 */

/** Quote for a POSIX shell: single quotes, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface CurlRequest {
  method: string;
  path: string;
  /** A JSON body, printed pretty. */
  json?: unknown;
  /** A body that is not printable (binary tensors): the command reads it from this file name. */
  bodyFile?: string;
  headers?: Record<string, string>;
}

/** Longest JSON body printed inline; bigger ones are elided so the command stays readable. */
const MAX_INLINE_BODY = 4000;
/** Bodies up to this length are printed indented. */
const PRETTY_BODY = 600;

/** `origin` is the server's, e.g. window.location.origin. */
export function curlCommand(request: CurlRequest, origin: string): string {
  // Double quotes so the shell expands the variable; the key itself never appears in the page.
  const lines = [`curl -sS -X ${request.method} ${shellQuote(origin + request.path)}`, '  -H "Authorization: Bearer $SLUICE_API_KEY"'];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`  -H ${shellQuote(`${name}: ${value}`)}`);
  if (request.json !== undefined) {
    lines.push(`  -H 'Content-Type: application/json'`);
    // Pretty when short (a single-quoted shell string may span lines); one line, cut, when long.
    const compact = JSON.stringify(request.json);
    let body = compact.length <= PRETTY_BODY ? JSON.stringify(request.json, null, 2) : compact;
    if (body.length > MAX_INLINE_BODY) body = `${body.slice(0, MAX_INLINE_BODY)} …(${body.length - MAX_INLINE_BODY} more characters)`;
    lines.push(`  --data-raw ${shellQuote(body)}`);
  } else if (request.bodyFile) {
    lines.push(`  --data-binary @${shellQuote(request.bodyFile)}`);
  }
  return lines.join(' \\\n');
}
