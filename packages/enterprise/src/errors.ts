/**
 * The enterprise error catalogue: every error an enterprise route or hook sends carries one of these codes, its
 * HTTP status and a message. Core's catalogue (SLUICE_ERR_*) stays core's; these are SLUICE_EE_ERR_*.
 * packages/enterprise/README.md documents each code and tests/enterprise-errors-documented.test.ts checks it.
 */
import { CatalogueError, type CatalogueErrorOptions } from '@sluice/core';

export const EE_ERROR_CATALOGUE = {
  SLUICE_EE_ERR_LICENSE_REQUIRED: {
    status: 402,
    summary:
      'The route belongs to an enterprise feature and no license currently unlocks it (none installed, invalid, or expired past its grace period). The message names the entitlement.',
  },
  SLUICE_EE_ERR_NOT_ENTITLED: {
    status: 403,
    summary: 'A license is installed and valid but does not include the entitlement this route needs.',
  },
  SLUICE_EE_ERR_LICENSE_INVALID: {
    status: 422,
    summary:
      'The license key sent to PUT /admin/license was refused (bad signature, untrusted key, wrong issuer/audience, not yet valid, malformed); the message gives the reason.',
  },
  SLUICE_EE_ERR_BAD_REQUEST: {
    status: 400,
    summary: 'A query parameter or body field of an enterprise route is malformed (bad date, unknown group_by, bad cursor).',
  },
  SLUICE_EE_ERR_QUOTA_EXCEEDED: {
    status: 429,
    summary: 'The caller used up its quota (requests or tokens per day or month); Retry-After gives the seconds until the period resets.',
  },
  SLUICE_EE_ERR_TRIAL_USED: {
    status: 409,
    summary:
      'This data directory already had its free 30-day trial (a trial runs once per data directory); the message says when it started and ended. Install a license to go on.',
  },
  SLUICE_EE_ERR_LICENSE_ACTIVE: {
    status: 409,
    summary:
      'A trial was asked for while a signed license is in force (valid or expiring soon): it would add nothing. The trial stays available once no license is in force.',
  },
  SLUICE_EE_ERR_QUOTA_NOT_FOUND: { status: 404, summary: 'No quota is set for that principal.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type EeErrorCode = keyof typeof EE_ERROR_CATALOGUE;

/** An error meant for the client: core's error handler answers it as {"error", "code"} with its status. */
export class EnterpriseError extends CatalogueError<EeErrorCode> {
  constructor(code: EeErrorCode, message: string, options: CatalogueErrorOptions = {}) {
    super(code, EE_ERROR_CATALOGUE[code].status, message, options);
    this.name = 'EnterpriseError';
  }
}

/** The error response schema enterprise routes document. */
export const eeErrorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, code: { type: 'string' } },
  required: ['error', 'code'],
} as const;
