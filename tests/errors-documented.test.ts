/** Every error code in the core catalogue is documented, with its status, in packages/core/README.md. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../packages/core/src/errors.js';
import { ROOT } from './helpers/cli-process.js';

describe('error catalogue', () => {
  const readme = readFileSync(path.join(ROOT, 'packages', 'core', 'README.md'), 'utf8');

  it.each(Object.entries(ERROR_CATALOGUE))('%s is documented with its status', (code, { status }) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `no row for ${code} in packages/core/README.md`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it('uses only the SLUICE_ERR_ prefix and client-error statuses for client mistakes', () => {
    for (const [code, { status }] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^SLUICE_ERR_[A-Z_]+$/);
      if (status >= 500)
        expect([
          'SLUICE_ERR_MODEL_NOT_READY',
          'SLUICE_ERR_REQUEST_TIMEOUT',
          'SLUICE_ERR_QUEUE_FULL',
          'SLUICE_ERR_WORKER_LOST',
          'SLUICE_ERR_SHUTTING_DOWN',
          'SLUICE_ERR_INTERNAL',
          'SLUICE_ERR_AUDIT_UNAVAILABLE',
          'SLUICE_ERR_TOO_MANY_CONNECTIONS',
          'SLUICE_ERR_GENERATION_BUSY',
        ]).toContain(code);
    }
  });
});
