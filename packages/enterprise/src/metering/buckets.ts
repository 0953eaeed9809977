/** UTC bucket boundaries for the usage table and quota periods. */
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const SIZE_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function bucketStart(granularity: Granularity, timeMs: number): number {
  return timeMs - (timeMs % SIZE_MS[granularity]);
}

export function bucketSizeMs(granularity: Granularity): number {
  return SIZE_MS[granularity];
}

export function monthStart(timeMs: number): number {
  const d = new Date(timeMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextMonthStart(timeMs: number): number {
  const d = new Date(timeMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
