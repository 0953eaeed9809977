/** Query-string parsing for enterprise routes: clear 400 SLUICE_EE_ERR_BAD_REQUEST messages naming the parameter. */
import { EnterpriseError } from '../errors.js';

export function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    throw new EnterpriseError(
      'SLUICE_EE_ERR_BAD_REQUEST',
      `"${name}" must be an ISO 8601 date or time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z), got "${value}"`,
    );
  return ms;
}

export function parseChoice<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `"${name}" must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

export function parseList<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  if (value === undefined || value === '') return [...fallback];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items)
    if (!(allowed as readonly string[]).includes(item))
      throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `"${name}" accepts ${allowed.join(', ')}; got "${item}"`);
  return items as T[];
}

export function parseLimit(value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new EnterpriseError('SLUICE_EE_ERR_BAD_REQUEST', `"limit" must be an integer between 1 and ${max}, got "${value}"`);
  return n;
}
