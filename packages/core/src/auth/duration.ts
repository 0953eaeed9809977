/** Parses "30d", "12h", "15m", "45s", "2w" (or an ISO date) into an absolute expiry time, for `--expires`. */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseDurationMs(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,6})([smhdw])$/.exec(text.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/** A duration from now, or an ISO 8601 date; undefined when neither. */
export function parseExpiry(text: string, now: number): number | undefined {
  const duration = parseDurationMs(text);
  if (duration !== undefined) return now + duration;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = Date.parse(text);
    if (Number.isFinite(time)) return time;
  }
  return undefined;
}
