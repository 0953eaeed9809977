/** What GET /admin/license answers (packages/enterprise/src/license/license-service.ts, LicenseStatus). */
export interface LicenseFeature {
  name: string;
  active: boolean;
  description: string;
}

/** The self-serve trial (once per data directory, only while no license is in force). */
export interface TrialInfo {
  available: boolean;
  /** Why not, when not available. */
  unavailableReason?: string;
  lengthDays?: number;
  startedAt?: string;
  endsAt?: string;
  graceEndsAt?: string;
  daysLeft?: number;
}

export interface LicenseStatus {
  state: 'none' | 'valid' | 'expiring-soon' | 'expired-grace' | 'expired' | 'invalid' | 'trial';
  reason?: string;
  source?: string;
  licensee?: string;
  licenseId?: string;
  entitlements: string[];
  limits: Record<string, number>;
  issuedAt?: string;
  notBefore?: string;
  expiresAt?: string;
  graceEndsAt?: string;
  daysUntilExpiry?: number;
  features: LicenseFeature[];
  problems: string[];
  trial?: TrialInfo;
}

/** States in which the license unlocks its entitlements. */
export function unlocks(state: LicenseStatus['state']): boolean {
  return state === 'valid' || state === 'expiring-soon' || state === 'expired-grace' || state === 'trial';
}
