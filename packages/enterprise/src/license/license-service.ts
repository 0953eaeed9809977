/**
 * The license in force: chosen at start among the installed, environment and file licenses, replaced at
 * runtime (PUT /admin/license, a changed license file), and re-evaluated against the clock so that state
 * transitions (expiring soon, grace, expired) are logged, audited and reflected in entitlements without a
 * restart. It never blocks inference: it only answers `has(feature)`.
 */
import type { EntitlementProvider } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditSink } from '../audit/audit-record.js';
import type { Clock } from '../clock.js';
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import { FEATURES, type LicenseClaims } from './claims.js';
import { graceEndsAt, stateOf, stateRank, unlocksFeatures, type LicensePolicy, type LicenseState } from './license-state.js';
import {
  readLicenseCandidates,
  removeInstalledLicense,
  storeInstalledLicense,
  watchLicenseFile,
  type LicenseCandidate,
  type LicenseSource,
  type LicenseSourceSettings,
} from './license-sources.js';
import type { TrustedKey } from './trusted-keys.js';
import { verifyLicense } from './verify-license.js';

interface Current {
  source?: LicenseSource;
  claims?: LicenseClaims;
  /** Why the license was refused (state invalid). */
  reason?: string;
  /** Set when the only problem is "not valid yet": re-verified once that time has come. */
  notBefore?: Date;
  candidate?: LicenseCandidate;
}

export interface LicenseStatus {
  state: LicenseState;
  reason?: string;
  source?: LicenseSource;
  licensee?: string;
  licenseId?: string;
  entitlements: string[];
  limits: Record<string, number>;
  issuedAt?: string;
  notBefore?: string;
  expiresAt?: string;
  graceEndsAt?: string;
  /** Negative once expired. */
  daysUntilExpiry?: number;
  /** Every enterprise feature, whether the current license unlocks it, and what it does. */
  features: { name: string; active: boolean; description: string }[];
  /** Problems with other license sources (e.g. a license file that does not verify) while this one is in force. */
  problems: string[];
}

export interface LicenseService {
  /** Reads the sources and starts the file watch and the periodic re-evaluation. */
  start(): Promise<void>;
  stop(): void;
  status(): LicenseStatus;
  state(): LicenseState;
  /** True when the license is in an unlocking state and lists the feature. */
  isActive(feature: string): boolean;
  /** Verifies and installs a license (persisted in the data directory). Throws SLUICE_EE_ERR_LICENSE_INVALID. */
  install(token: string, installedBy?: string): Promise<LicenseStatus>;
  /** Removes the installed license; the environment/file license (if any) takes over. */
  uninstall(): Promise<LicenseStatus>;
  /** Re-evaluates the state against the clock (called by the timer and by readers). */
  refresh(): Promise<void>;
  entitlements: EntitlementProvider;
  /** Subscribe to state changes (metrics, features starting/stopping). */
  onChange(listener: (state: LicenseState) => void): void;
}

export interface LicenseServiceDeps {
  orm: EnterpriseOrm;
  keys: readonly TrustedKey[];
  clock: Clock;
  logger: FastifyBaseLogger;
  policy: LicensePolicy;
  sources: LicenseSourceSettings;
  audit: AuditSink;
  /** How often the license file's stat is polled (ms). */
  filePollMs: number;
  /** How often the state is re-evaluated (ms). */
  tickMs: number;
}

const DAY_MS = 86_400_000;

export function createLicenseService(deps: LicenseServiceDeps): LicenseService {
  const { clock, logger, policy } = deps;
  let current: Current = {};
  let lastState: LicenseState = 'none';
  let lastWarning = 0;
  const problems = new Map<LicenseSource, string>();
  const listeners: ((state: LicenseState) => void)[] = [];
  let stopWatch: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  function stateNow(): LicenseState {
    if (current.claims) return stateOf(current.claims, clock(), policy);
    return current.reason !== undefined ? 'invalid' : 'none';
  }

  function describe(): Record<string, unknown> {
    const c = current.claims;
    return { state: stateNow(), source: current.source, licensee: c?.licensee, licenseId: c?.licenseId, expiresAt: c?.expiresAt.toISOString(), ...(current.reason ? { reason: current.reason } : {}) };
  }

  function recordStateChange(previous: LicenseState, state: LicenseState, cause: string): void {
    deps.audit({
      time: clock().toISOString(),
      action: 'license.state',
      outcome: unlocksFeatures(state) ? 'success' : 'failure',
      actor: { kind: 'system' },
      resource: { type: 'license', ...(current.claims ? { id: current.claims.licenseId } : {}) },
      ...(current.reason ? { reason: current.reason } : {}),
      detail: { from: previous, to: state, cause },
    }, { always: true });
  }

  /** Logs and audits a state change; warns (at most daily) while expiring soon or in grace. */
  function observe(cause: string): void {
    const state = stateNow();
    const now = clock().getTime();
    if (state !== lastState) {
      const previous = lastState;
      lastState = state;
      const level = state === 'valid' ? 'info' : state === 'expiring-soon' || state === 'expired-grace' ? 'warn' : state === 'none' ? 'info' : 'error';
      logger[level]({ license: describe(), previous, cause }, `license state: ${state}`);
      if (level === 'warn') lastWarning = now;
      try {
        recordStateChange(previous, state, cause);
      } catch {
        // Logged by the sink. A state change follows from time or the key sources; it cannot be refused.
      }
      for (const listener of listeners) listener(state);
    } else if ((state === 'expiring-soon' || state === 'expired-grace') && now - lastWarning >= DAY_MS) {
      lastWarning = now;
      logger.warn({ license: describe() }, state === 'expiring-soon' ? 'the license expires soon: install a renewed key' : 'the license has expired: enterprise features stop when the grace period ends');
    }
  }

  async function evaluate(candidate: LicenseCandidate): Promise<Current> {
    const verification = await verifyLicense(candidate.token, deps.keys, clock());
    if (verification.ok) return { source: candidate.source, claims: verification.claims, candidate };
    return { source: candidate.source, reason: verification.reason, candidate, ...(verification.notBefore ? { notBefore: verification.notBefore } : {}) };
  }

  function rank(c: Current): [number, number] {
    const state = c.claims ? stateOf(c.claims, clock(), policy) : 'invalid';
    return [stateRank(state), -(c.claims?.expiresAt.getTime() ?? 0)];
  }

  /** Among all sources, keeps the best license (unlocking states first, then the latest expiry). */
  async function selectFromSources(cause: string): Promise<void> {
    const evaluated = await Promise.all(readLicenseCandidates(deps.orm, deps.sources).map(evaluate));
    problems.clear();
    if (evaluated.length === 0) current = {};
    else {
      evaluated.sort((a, b) => {
        const [ra, ea] = rank(a);
        const [rb, eb] = rank(b);
        return ra - rb || ea - eb;
      });
      current = evaluated[0]!;
      for (const other of evaluated.slice(1)) if (other.reason) problems.set(other.source!, other.reason);
    }
    observe(cause);
  }

  function status(): LicenseStatus {
    const c = current.claims;
    const state = stateNow();
    const active = unlocksFeatures(state);
    return {
      state,
      ...(current.reason ? { reason: current.reason } : {}),
      ...(current.source ? { source: current.source } : {}),
      ...(c ? {
        licensee: c.licensee,
        licenseId: c.licenseId,
        issuedAt: c.issuedAt.toISOString(),
        notBefore: c.notBefore.toISOString(),
        expiresAt: c.expiresAt.toISOString(),
        graceEndsAt: graceEndsAt(c, policy).toISOString(),
        daysUntilExpiry: Math.floor((c.expiresAt.getTime() - clock().getTime()) / DAY_MS),
      } : {}),
      entitlements: c?.entitlements ?? [],
      limits: c?.limits ?? {},
      features: Object.entries(FEATURES).map(([name, description]) => ({ name, description, active: active && (c?.entitlements.includes(name) ?? false) })),
      problems: [...problems].map(([source, reason]) => `${source}: ${reason}`),
    };
  }

  const service: LicenseService = {
    async start() {
      await selectFromSources('start');
      if (deps.sources.file) {
        stopWatch = watchLicenseFile(deps.sources.file, deps.filePollMs, () => {
          selectFromSources('license file changed').catch((error: unknown) => logger.error({ err: error }, 'cannot re-read the license file'));
        });
      }
      timer = setInterval(() => {
        service.refresh().catch((error: unknown) => logger.error({ err: error }, 'license re-evaluation failed'));
      }, deps.tickMs);
      timer.unref();
    },
    stop() {
      stopWatch?.();
      if (timer) clearInterval(timer);
    },
    status() {
      observe('read');
      return status();
    },
    state: stateNow,
    isActive(feature) {
      const c = current.claims;
      return c !== undefined && unlocksFeatures(stateOf(c, clock(), policy)) && c.entitlements.includes(feature);
    },
    async install(token, installedBy) {
      const evaluated = await evaluate({ source: 'installed', token });
      if (!evaluated.claims) {
        throw new EnterpriseError('SLUICE_EE_ERR_LICENSE_INVALID', `the license key was refused: ${evaluated.reason}`);
      }
      if (stateOf(evaluated.claims, clock(), policy) === 'expired') {
        throw new EnterpriseError('SLUICE_EE_ERR_LICENSE_INVALID', `the license key was refused: it expired on ${evaluated.claims.expiresAt.toISOString()} and its grace period has ended`);
      }
      storeInstalledLicense(deps.orm, token.trim(), installedBy, clock());
      current = evaluated;
      problems.delete('installed');
      logger.info({ license: describe() }, 'license installed');
      observe('installed');
      return status();
    },
    async uninstall() {
      removeInstalledLicense(deps.orm);
      await selectFromSources('installed license removed');
      return status();
    },
    async refresh() {
      if (current.notBefore && clock().getTime() >= current.notBefore.getTime() && current.candidate) {
        current = await evaluate(current.candidate);
      }
      observe('clock');
    },
    entitlements: {
      get plan() {
        return current.claims && unlocksFeatures(stateNow()) ? 'enterprise' : 'community';
      },
      has: (feature: string) => service.isActive(feature),
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
  return service;
}
