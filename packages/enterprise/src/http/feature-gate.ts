/**
 * Route gates for enterprise features. 'use' routes need the feature unlocked by the license; 'read' routes
 * (query, export, verify) also answer when the feature is locked but its data exists, so data recorded under
 * an earlier license stays readable and exportable. A locked route answers 402 SLUICE_EE_ERR_LICENSE_REQUIRED
 * (no license or trial that unlocks anything) or 403 SLUICE_EE_ERR_NOT_ENTITLED (a license without this
 * entitlement), with a message naming the entitlement and what it unlocks; a 402 also names the trial and
 * where licensing is documented.
 */
import { emitAudit } from '@sluice/core';
import type { FastifyRequest } from 'fastify';
import { EnterpriseError } from '../errors.js';
import { FEATURES, type Feature } from '../license/claims.js';
import { unlocksFeatures } from '../license/license-state.js';
import type { LicenseService, LicenseStatus } from '../license/license-service.js';
import { howToUnlock } from '../license/licensing-help.js';

export type GateMode = 'use' | 'read';

export function lockedError(licenses: LicenseService, feature: Feature): EnterpriseError {
  const status = licenses.status();
  const state = status.state;
  const what = `this route needs the "${feature}" entitlement (${FEATURES[feature]})`;
  if (unlocksFeatures(state)) {
    return new EnterpriseError(
      'SLUICE_EE_ERR_NOT_ENTITLED',
      `${what}; the license of ${status.licensee} includes: ${status.entitlements.join(', ') || 'nothing'}`,
    );
  }
  return new EnterpriseError(
    'SLUICE_EE_ERR_LICENSE_REQUIRED',
    `${what}, which needs a Sluice Enterprise license or trial: ${whyLocked(status)}. ${howToUnlock(status.trial)}`,
  );
}

function whyLocked(status: LicenseStatus): string {
  if (status.state === 'none') return 'no license is installed';
  if (status.state === 'expired') {
    const what = status.source === 'trial' ? 'the free trial' : 'the license';
    return `${what} expired on ${status.expiresAt} and its grace period ended on ${status.graceEndsAt}`;
  }
  return `the license is invalid: ${status.reason}`;
}

export function featureGate(licenses: LicenseService, feature: Feature, mode: GateMode, hasData: () => boolean) {
  return async function gate(request: FastifyRequest): Promise<void> {
    if (licenses.isActive(feature)) return;
    if (mode === 'read' && hasData()) return;
    const error = lockedError(licenses, feature);
    emitAudit(request, {
      action: 'auth.denied',
      outcome: 'denied',
      resource: { type: 'route', id: `${request.method} ${request.routeOptions.url}` },
      reason: error.message,
    });
    throw error;
  };
}
