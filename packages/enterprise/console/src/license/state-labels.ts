/** Words for license states and sources, as a person reads them. */
import type { LicenseStatus } from '../shared/license-types.js';

export const STATE_LABELS: Record<LicenseStatus['state'], { label: string; tone: 'good' | 'warn' | 'bad' | 'neutral' }> = {
  none: { label: 'No license', tone: 'neutral' },
  valid: { label: 'Valid', tone: 'good' },
  'expiring-soon': { label: 'Expiring soon', tone: 'warn' },
  'expired-grace': { label: 'Expired — grace period', tone: 'warn' },
  expired: { label: 'Expired', tone: 'bad' },
  invalid: { label: 'Invalid', tone: 'bad' },
  trial: { label: 'Trial', tone: 'good' },
};

export const SOURCE_LABELS: Record<string, string> = {
  installed: 'installed from the console or API',
  env: 'SLUICE_LICENSE_KEY environment variable',
  file: 'SLUICE_LICENSE_FILE',
  trial: 'self-serve trial',
};
