/** What the usage and quota routes answer (packages/enterprise/src/metering), and the page's choices. */
export interface UsageRow {
  key?: string;
  keyKind?: string;
  model?: string;
  version?: string;
  time?: string;
  requests: number;
  items: number;
  tokens: number;
  computeMs: number;
  errors: number;
}

export interface UsageAnswer {
  from: string;
  to: string;
  granularity: 'minute' | 'hour' | 'day';
  rows: UsageRow[];
}

export interface Quota {
  subject: string;
  requestsPerDay?: number | null;
  requestsPerMonth?: number | null;
  tokensPerDay?: number | null;
  tokensPerMonth?: number | null;
  updatedAt: string;
}

export interface QuotaUsage {
  requestsDay: number;
  requestsMonth: number;
  tokensDay: number;
  tokensMonth: number;
}

export const QUOTA_LIMITS = [
  { field: 'requestsPerDay', used: 'requestsDay', label: 'Requests per day' },
  { field: 'requestsPerMonth', used: 'requestsMonth', label: 'Requests per month' },
  { field: 'tokensPerDay', used: 'tokensDay', label: 'Tokens per day' },
  { field: 'tokensPerMonth', used: 'tokensMonth', label: 'Tokens per month' },
] as const;

export const METRICS = [
  { id: 'requests', label: 'Requests' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'items', label: 'Items' },
  { id: 'computeMs', label: 'Compute time (ms)' },
  { id: 'errors', label: 'Errors' },
] as const;
export type Metric = (typeof METRICS)[number]['id'];

export const DIMENSIONS = [
  { id: 'key', label: 'Key or user', groupBy: 'key' },
  { id: 'model', label: 'Model', groupBy: 'model' },
  { id: 'version', label: 'Model version', groupBy: 'model,version' },
] as const;
export type Dimension = (typeof DIMENSIONS)[number]['id'];

export const PERIODS = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, granularity: 'hour' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'hour' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'day' },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000, granularity: 'day' },
] as const;
export type PeriodId = (typeof PERIODS)[number]['id'];
