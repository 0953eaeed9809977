/**
 * The one dependency rule: enterprise imports core; core never imports enterprise, not even dynamically by
 * name. Scans every source file under packages/core.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli-process.js';

// An import, export-from, require() or import() of anything enterprise, or a string that is exactly the
// package name or a path into it (which a dynamic import could use). Comments are stripped first.
const FORBIDDEN = [
  /\bfrom\s*['"][^'"]*enterprise[^'"]*['"]/,
  /\b(?:import|require)\s*\(\s*['"`][^'"`]*enterprise[^'"`]*['"`]/,
  /['"`]@sluice\/enterprise(?:\/[^'"`]*)?['"`]/,
  /['"`][^'"`]*packages\/enterprise[^'"`]*['"`]/,
];

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return []; // dist is built from src
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.(?:[cm]?[jt]s|json)$/.test(name) && name !== 'package.json' ? [file] : [];
  });
}

export function forbiddenReferences(text: string): string[] {
  return stripComments(text)
    .split('\n')
    .filter((line) => FORBIDDEN.some((pattern) => pattern.test(line)));
}

describe('dependency rule', () => {
  it('recognises the forms an enterprise import can take', () => {
    expect(forbiddenReferences("import x from '@sluice/enterprise';")).toHaveLength(1);
    expect(forbiddenReferences("await import('../../enterprise/src/index.js')")).toHaveLength(1);
    expect(forbiddenReferences("require('../../../packages/enterprise')")).toHaveLength(1);
    expect(forbiddenReferences("const name = '@sluice/enterprise'; await import(name);")).toHaveLength(1);
    expect(forbiddenReferences("export * from '@sluice/enterprise/license';")).toHaveLength(1);
    expect(forbiddenReferences("import { buildApp } from './app.js';")).toHaveLength(0);
    expect(forbiddenReferences('/** loaded by SLUICE_PLUGINS=@sluice/enterprise */')).toHaveLength(0);
    expect(forbiddenReferences("const help = 'plugin modules to load (e.g. @sluice/enterprise)';")).toHaveLength(0);
  });

  it('no file under packages/core refers to the enterprise package', () => {
    const offenders = sourceFiles(path.join(ROOT, 'packages', 'core')).flatMap((file) =>
      forbiddenReferences(readFileSync(file, 'utf8')).map((line) => `${path.relative(ROOT, file)}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("@sluice/core's package.json does not depend on @sluice/enterprise", () => {
    const manifest = JSON.parse(readFileSync(path.join(ROOT, 'packages', 'core', 'package.json'), 'utf8'));
    const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
    expect(Object.keys(all)).not.toContain('@sluice/enterprise');
  });
});
