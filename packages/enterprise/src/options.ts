/**
 * The plugin's settings: programmatic options (what an embedding program or a test passes to register()) win
 * over environment variables. Validated once at start; a bad value fails start-up naming the setting.
 * Trusted license keys are programmatic only: no environment variable or file can add one.
 */
import { ConfigError } from '@sluice/core';
import { systemClock, type Clock } from './clock.js';
import type { InferenceAuditMode } from './audit/audit-recorder.js';
import type { SiemSettings } from './audit/siem-forwarder.js';
import { validateSiemUrl } from './audit/siem-forwarder.js';
import { DEFAULT_OUTBOX_LIMIT, MAX_OUTBOX_LIMIT } from './audit/audit-store.js';
import { DEFAULT_LICENSE_POLICY, type LicensePolicy } from './license/license-state.js';
import type { PublicKeyInput } from './license/trusted-keys.js';
import type { SsoPluginOptions } from './sso/index.js';
import { MAX_RETENTION_DAYS } from './audit/audit-retention.js';

export interface EnterprisePluginOptions {
  /** Public keys trusted in addition to those shipped in the package (tests, OEM builds). */
  trustedPublicKeys?: PublicKeyInput[];
  /** The time source for license states, buckets and quotas (default: the system clock). */
  clock?: Clock;
  /** License sources; default SLUICE_LICENSE_KEY and SLUICE_LICENSE_FILE. */
  license?: { key?: string; file?: string };
  licensePolicy?: Partial<LicensePolicy>;
  /** How often the license file is polled for changes (default 2000 ms). */
  licenseFilePollMs?: number;
  /** How often the license state is re-evaluated (default 60000 ms). */
  licenseTickMs?: number;
  audit?: {
    /** 'off' (default) or 'metadata': one entry per inference call (who, model, outcome, counts; never payloads). */
    inference?: InferenceAuditMode;
    /** Delete entries older than this many days (0 or absent: keep everything). */
    retentionDays?: number;
    siem?: SiemSettings;
  };
  metering?: { flushMs?: number; minuteRetentionDays?: number; hourRetentionDays?: number };
  /** Single sign-on settings (else SLUICE_SSO_*); see src/sso/README.md. */
  sso?: Omit<SsoPluginOptions, 'lockedError'>;
}

export interface ResolvedOptions {
  trustedPublicKeys: PublicKeyInput[];
  clock: Clock;
  license: { key?: string; file?: string };
  licensePolicy: LicensePolicy;
  licenseFilePollMs: number;
  licenseTickMs: number;
  audit: { inference: InferenceAuditMode; retentionDays: number; siem?: SiemSettings };
  metering: { flushMs: number; minuteRetentionDays: number; hourRetentionDays: number };
}

function integer(value: number | string | undefined, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(
      key,
      `must be an integer ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}, got ${JSON.stringify(value)}`,
    );
  return n;
}

export function resolveOptions(options: EnterprisePluginOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  const inference = options.audit?.inference ?? env.SLUICE_AUDIT_INFERENCE ?? 'off';
  if (inference !== 'off' && inference !== 'metadata')
    throw new ConfigError('SLUICE_AUDIT_INFERENCE', `must be "off" or "metadata", got "${inference}"`);
  const siemUrl = options.audit?.siem?.url ?? env.SLUICE_AUDIT_SIEM_URL;
  let siem: SiemSettings | undefined;
  if (siemUrl) {
    try {
      validateSiemUrl(siemUrl);
    } catch (error) {
      throw new ConfigError('SLUICE_AUDIT_SIEM_URL', (error as Error).message);
    }
    const token = env.SLUICE_AUDIT_SIEM_TOKEN;
    siem = {
      ...options.audit?.siem,
      url: siemUrl,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.audit?.siem?.headers },
      maxPending: integer(
        options.audit?.siem?.maxPending ?? env.SLUICE_AUDIT_SIEM_MAX_PENDING,
        'SLUICE_AUDIT_SIEM_MAX_PENDING',
        DEFAULT_OUTBOX_LIMIT,
        1,
        MAX_OUTBOX_LIMIT,
      ),
    };
  }
  const policy = { ...DEFAULT_LICENSE_POLICY, ...options.licensePolicy };
  for (const [key, value] of Object.entries(policy)) integer(value, `licensePolicy.${key}`, 0, 0);
  const key = options.license?.key ?? env.SLUICE_LICENSE_KEY;
  const file = options.license?.file ?? env.SLUICE_LICENSE_FILE;
  return {
    trustedPublicKeys: options.trustedPublicKeys ?? [],
    clock: options.clock ?? systemClock,
    license: { ...(key ? { key } : {}), ...(file ? { file } : {}) },
    licensePolicy: policy,
    licenseFilePollMs: integer(options.licenseFilePollMs, 'licenseFilePollMs', 2000, 50),
    licenseTickMs: integer(options.licenseTickMs, 'licenseTickMs', 60_000, 100),
    audit: {
      inference,
      retentionDays: integer(
        options.audit?.retentionDays ?? env.SLUICE_AUDIT_RETENTION_DAYS,
        'SLUICE_AUDIT_RETENTION_DAYS',
        0,
        0,
        MAX_RETENTION_DAYS,
      ),
      ...(siem ? { siem } : {}),
    },
    metering: {
      flushMs: integer(options.metering?.flushMs ?? env.SLUICE_METERING_FLUSH_MS, 'SLUICE_METERING_FLUSH_MS', 1000, 10),
      minuteRetentionDays: integer(options.metering?.minuteRetentionDays, 'metering.minuteRetentionDays', 7, 1),
      hourRetentionDays: integer(options.metering?.hourRetentionDays, 'metering.hourRetentionDays', 90, 1),
    },
  };
}
