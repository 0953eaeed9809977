/** Display formatting shared by the pages (the browser's locale, UTC noted where it matters). */

export function formatDateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

const numbers = new Intl.NumberFormat();
export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : numbers.format(value);
}

/** "in 3 days" / "5 days ago" for a day count. */
export function relativeDays(days: number): string {
  const whole = Math.round(days);
  if (whole === 0) return 'today';
  return whole > 0 ? `in ${whole} day${whole === 1 ? '' : 's'}` : `${-whole} day${whole === -1 ? '' : 's'} ago`;
}
