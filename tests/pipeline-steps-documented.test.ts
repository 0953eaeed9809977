/** Every built-in pipeline step is documented in packages/core/README.md's "Built-in steps" table. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_STEP_OPS } from '../packages/core/src/pipelines/step-catalogue.js';
import { ROOT } from './helpers/cli-process.js';

describe('built-in pipeline steps', () => {
  const readme = readFileSync(path.join(ROOT, 'packages', 'core', 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('### Built-in steps'));

  it.each(BUILT_IN_STEP_OPS.map((op) => [op.op, op] as const))('%s has a row naming its ports', (name, op) => {
    const row = table.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
    expect(row, `no row for ${name}`).toBeDefined();
    for (const port of [...op.inputs, ...op.outputs]) expect(row).toContain(`\`${port.replace(/\?$/, '')}\``);
  });
});
