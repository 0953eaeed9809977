/**
 * The license in force: chosen at start among the installed, environment and file licenses, replaced at
 * runtime (PUT /admin/license, a changed license file), combined with the self-serve trial (see
 * license-status.ts for the precedence), and re-evaluated against the clock so that state transitions
 * (expiring soon, trial ended, grace, expired) are logged, audited and reflected in entitlements without a
 * restart. It never blocks inference: it only answers `has(feature)`.
 */
import type { EntitlementProvider } from '@sluice/core';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditSink } from '../audit/audit-record.js';
import type { Clock } from '../clock.js';
import type { EnterpriseOrm } from '../db/enterprise-database.js';
import { EnterpriseError } from '../errors.js';
import { evaluateCandidate, selectLicense, type LicenseSelection } from './license-selection.js';
import { effectiveLicense, licenseStatus, type EffectiveLicense, type LicenseStatus } from './license-status.js';
import { stateOf, unlocksFeatures, type LicensePolicy, type LicenseState } from './license-state.js';
import {
  removeInstalledLicense,
  storeInstalledLicense,
  watchLicenseFile,
  type LicenseSource,
  type LicenseSourceSettings,
} from './license-sources.js';
import { startTrial } from './trial-start.js';
import { claimTrialEnd, readTrial, type TrialRecord } from './trial-store.js';
import type { TrustedKey } from './trusted-keys.js';

export type { LicenseStatus, TrialStatus, EntitlementSource } from './license-status.js';

export interface LicenseService {
  /** Reads the sources and the trial, and starts the file watch and the periodic re-evaluation. */
  start(): Promise<void>;
  stop(): void;
  status(): LicenseStatus;
  state(): LicenseState;
  /** True when the license or trial in force is in an unlocking state and grants the feature. */
  isActive(feature: string): boolean;
  /** Verifies and installs a license (persisted in the data directory). Throws SLUICE_EE_ERR_LICENSE_INVALID. */
  install(token: string, installedBy?: string): Promise<LicenseStatus>;
  /** Removes the installed license; the environment/file license (if any), else the trial, takes over. */
  uninstall(): Promise<LicenseStatus>;
  /** Starts this data directory's one trial. Throws SLUICE_EE_ERR_TRIAL_USED or SLUICE_EE_ERR_LICENSE_ACTIVE. */
  startTrial(startedBy?: string): LicenseStatus;
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
/** The trial's last days warn daily in the log, like a license that expires soon. */
const TRIAL_WARNING_DAYS = 7;

export function createLicenseService(deps: LicenseServiceDeps): LicenseService {
  const { clock, logger, policy } = deps;
  let current: LicenseSelection = {};
  let problems = new Map<LicenseSource, string>();
  // Cached: isActive() runs per request. Re-read on every refresh and status read, so a trial started by
  // `sluice license trial` on the same data directory takes effect at the next tick.
  let trial: TrialRecord | undefined;
  let lastState: LicenseState = 'none';
  let lastWarning = 0;
  const listeners: ((state: LicenseState) => void)[] = [];
  let stopWatch: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const effective = (): EffectiveLicense => effectiveLicense(current, trial, clock(), policy);
  const stateNow = (): LicenseState => effective().state;

  function describe(): Record<string, unknown> {
    const e = effective();
    return {
      state: e.state,
      source: e.source,
      licensee: e.claims?.licensee,
      licenseId: e.claims?.licenseId,
      expiresAt: e.expiresAt?.toISOString(),
      ...(e.source !== 'trial' && current.reason ? { reason: current.reason } : {}),
    };
  }

  function recordStateChange(previous: LicenseState, state: LicenseState, cause: string): void {
    const e = effective();
    deps.audit(
      {
        time: clock().toISOString(),
        action: 'license.state',
        outcome: unlocksFeatures(state) ? 'success' : 'failure',
        actor: { kind: 'system' },
        resource: { type: 'license', ...(e.claims ? { id: e.claims.licenseId } : e.source === 'trial' ? { id: 'trial' } : {}) },
        ...(e.source !== 'trial' && current.reason ? { reason: current.reason } : {}),
        detail: { from: previous, to: state, cause, source: e.source ?? null },
      },
      { always: true },
    );
  }

  /**
   * `license.trial.end`, once: the row's end_recorded_at is claimed in the same transaction as the entry, so a
   * restart never records it twice and a failed write leaves it for the next check.
   */
  function recordTrialEnd(): void {
    if (!trial || trial.endRecordedAt || clock().getTime() < trial.endsAt.getTime()) return;
    const ended = trial;
    const now = clock();
    try {
      const recorded = deps.orm.transaction(
        () => {
          if (!claimTrialEnd(deps.orm, now)) return false;
          deps.audit(
            {
              time: now.toISOString(),
              action: 'license.trial.end',
              outcome: 'success',
              actor: { kind: 'system' },
              resource: { type: 'license', id: 'trial' },
              detail: {
                startedAt: ended.startedAt.toISOString(),
                endsAt: ended.endsAt.toISOString(),
                inForce: effective().source === 'trial',
              },
            },
            { always: true },
          );
          return true;
        },
        { behavior: 'immediate' },
      );
      trial = readTrial(deps.orm);
      if (recorded)
        logger.warn(
          { trial: { startedAt: ended.startedAt, endsAt: ended.endsAt } },
          'the enterprise trial has ended: install a license to keep enterprise features after the grace period',
        );
    } catch {
      // Logged by the sink; retried at the next check. The end follows from time: it cannot be refused.
    }
  }

  /** Logs and audits a state change; warns (at most daily) while expiring soon or in grace. */
  function observe(cause: string): void {
    recordTrialEnd();
    const state = stateNow();
    const now = clock().getTime();
    if (state !== lastState) {
      const previous = lastState;
      lastState = state;
      const level =
        state === 'valid' || state === 'trial' || state === 'none'
          ? 'info'
          : state === 'expiring-soon' || state === 'expired-grace'
            ? 'warn'
            : 'error';
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
      logger.warn(
        { license: describe() },
        state === 'expiring-soon'
          ? 'the license expires soon: install a renewed key'
          : 'the license or trial has expired: enterprise features stop when the grace period ends',
      );
    } else if (state === 'trial' && trial && trial.endsAt.getTime() - now <= TRIAL_WARNING_DAYS * DAY_MS && now - lastWarning >= DAY_MS) {
      lastWarning = now;
      logger.warn(
        { license: describe() },
        `the enterprise trial ends on ${trial.endsAt.toISOString()}: install a license key to keep enterprise features`,
      );
    }
  }

  async function selectFromSources(cause: string): Promise<void> {
    ({ selection: current, problems } = await selectLicense({
      orm: deps.orm,
      sources: deps.sources,
      keys: deps.keys,
      now: clock(),
      policy,
    }));
    observe(cause);
  }

  function reloadTrial(): void {
    try {
      trial = readTrial(deps.orm);
    } catch (error) {
      logger.error({ err: error }, 'cannot read the trial record; keeping the last one read');
    }
  }

  const status = (): LicenseStatus => licenseStatus(current, trial, problems, clock(), policy);

  const service: LicenseService = {
    async start() {
      trial = readTrial(deps.orm);
      await selectFromSources('start');
      if (deps.sources.file) {
        stopWatch = watchLicenseFile(deps.sources.file, deps.filePollMs, () => {
          selectFromSources('license file changed').catch((error: unknown) =>
            logger.error({ err: error }, 'cannot re-read the license file'),
          );
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
      reloadTrial();
      observe('read');
      return status();
    },
    state: stateNow,
    isActive(feature) {
      const e = effective();
      return unlocksFeatures(e.state) && e.entitlements.includes(feature);
    },
    async install(token, installedBy) {
      const evaluated = await evaluateCandidate({ source: 'installed', token }, deps.keys, clock());
      if (!evaluated.claims) {
        throw new EnterpriseError('SLUICE_EE_ERR_LICENSE_INVALID', `the license key was refused: ${evaluated.reason}`);
      }
      if (stateOf(evaluated.claims, clock(), policy) === 'expired') {
        throw new EnterpriseError(
          'SLUICE_EE_ERR_LICENSE_INVALID',
          `the license key was refused: it expired on ${evaluated.claims.expiresAt.toISOString()} and its grace period has ended`,
        );
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
    startTrial(startedBy) {
      trial = startTrial({ orm: deps.orm, selection: current, now: clock(), policy, startedBy });
      logger.info({ trial: { startedAt: trial.startedAt, endsAt: trial.endsAt, startedBy } }, 'enterprise trial started');
      observe('trial started');
      return status();
    },
    async refresh() {
      reloadTrial();
      if (current.notBefore && clock().getTime() >= current.notBefore.getTime() && current.candidate) {
        current = await evaluateCandidate(current.candidate, deps.keys, clock());
      }
      observe('clock');
    },
    entitlements: {
      get plan() {
        const e = effective();
        if (!unlocksFeatures(e.state)) return 'community';
        return e.source === 'trial' ? 'enterprise-trial' : 'enterprise';
      },
      has: (feature: string) => service.isActive(feature),
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
  return service;
}
