/**
 * Every enterprise error code is documented, with its status, in packages/enterprise/README.md; the codes use
 * the SLUICE_EE_ERR_ prefix; and every code the source sends is in the catalogue.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EE_ERROR_CATALOGUE } from '../packages/enterprise/src/errors.js';
import { ROOT } from './helpers/cli-process.js';

const SRC = path.join(ROOT, 'packages', 'enterprise', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'sso' ? [] : files(file); // SSO keeps its own catalogue
    return name.endsWith('.ts') ? [file] : [];
  });
}

describe('enterprise error catalogue', () => {
  const readme = readFileSync(path.join(ROOT, 'packages', 'enterprise', 'README.md'), 'utf8');

  it.each(Object.entries(EE_ERROR_CATALOGUE))('%s is documented with its status', (code, { status }) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    expect(row, `no row for ${code} in packages/enterprise/README.md`).toBeDefined();
    expect(row).toContain(`| ${status} |`);
  });

  it('uses the SLUICE_EE_ERR_ prefix and client-error statuses', () => {
    for (const [code, { status }] of Object.entries(EE_ERROR_CATALOGUE)) {
      expect(code).toMatch(/^SLUICE_EE_ERR_[A-Z_]+$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });

  it('every SLUICE_EE_ERR_ code used in the source is in the catalogue', () => {
    const used = new Set(files(SRC).flatMap((file) => readFileSync(file, 'utf8').match(/SLUICE_EE_ERR_[A-Z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(0);
    for (const code of used) expect(Object.keys(EE_ERROR_CATALOGUE), code).toContain(code);
  });
});
