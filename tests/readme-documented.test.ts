/** Every server option (flag and environment variable) is documented in the README: they are public interface. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTION_SPECS } from '../packages/core/src/config.js';
import { ROOT } from './helpers/cli-process.js';

describe('README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it.each(OPTION_SPECS.map((spec) => [spec.flag, spec.env]))('documents --%s and %s in one table row', (flag, env) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`--${flag}\` |`));
    expect(row, `README.md has no row for --${flag}`).toBeDefined();
    expect(row).toContain(`\`${env}\``);
  });

  it('holds the two set-up commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
