/**
 * Route gates for enterprise features. 'use' routes need the feature unlocked by the license; 'read' routes
 * (query, export, verify) also answer when the feature is locked but its data exists, so data recorded under
 * an earlier license stays readable and exportable. A locked route answers 402 SLUICE_EE_ERR_LICENSE_REQUIRED
 * (no license that unlocks anything) or 403 SLUICE_EE_ERR_NOT_ENTITLED (a license without this entitlement),
 * with a message naming the entitlement and what it unlocks.
 */
import { emitAudit } from '@sluice/core';
import type { FastifyRequest } from 'fastify';
import { EnterpriseError } from '../errors.js';
import { FEATURES, type Feature } from '../license/claims.js';
import { unlocksFeatures } from '../license/license-state.js';
import type { LicenseService } from '../license/license-service.js';

export type GateMode = 'use' | 'read';

export function lockedError(licenses: LicenseService, feature: Feature): EnterpriseError {
  const status = licenses.status();
  const state = status.state;
  const what = `this route needs the "${feature}" entitlement (${FEATURES[feature]})`;
  if (unlocksFeatures(state)) {
    return new EnterpriseError('SLUICE_EE_ERR_NOT_ENTITLED', `${what}; the license of ${status.licensee} includes: ${status.entitlements.join(', ') || 'nothing'}`);
  }
  const why = state === 'none' ? 'no license is installed' : state === 'expired' ? `the license expired on ${status.expiresAt} and its grace period ended on ${status.graceEndsAt}` : `the license is invalid: ${status.reason}`;
  return new EnterpriseError('SLUICE_EE_ERR_LICENSE_REQUIRED', `${what}, which needs a Sluice Enterprise license: ${why}. Install one with PUT /admin/license, SLUICE_LICENSE_KEY or SLUICE_LICENSE_FILE`);
}

export function featureGate(licenses: LicenseService, feature: Feature, mode: GateMode, hasData: () => boolean) {
  return async function gate(request: FastifyRequest): Promise<void> {
    if (licenses.isActive(feature)) return;
    if (mode === 'read' && hasData()) return;
    const error = lockedError(licenses, feature);
    emitAudit(request, { action: 'auth.denied', outcome: 'denied', resource: { type: 'route', id: `${request.method} ${request.routeOptions.url}` }, reason: error.message });
    throw error;
  };
}
