/**
 * Spreading an array into a call passes every element as an argument: past ~125k elements V8 throws
 * "Maximum call stack size exceeded". Request-sized arrays reach many helpers, so src never spreads into
 * Math.max/Math.min/push/fromCharCode/apply-style calls (use a loop or reduce).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['packages/core/src', 'packages/enterprise/src'];
const SPREAD_INTO_CALL = /(Math\.(max|min)|\.push|\.unshift|String\.fromCharCode|String\.fromCodePoint)\(\s*(?:[^()]*,\s*)?\.\.\./;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry) && !entry.endsWith('.test.ts') ? [full] : [];
  });
}

describe('no spreads of arrays into calls', () => {
  it('finds the pattern it looks for', () => {
    expect(SPREAD_INTO_CALL.test('const m = Math.max(1, ...lengths);')).toBe(true);
    expect(SPREAD_INTO_CALL.test('out.push(...items);')).toBe(true);
    expect(SPREAD_INTO_CALL.test('const m = items.reduce((a, b) => Math.max(a, b), 0);')).toBe(false);
  });

  it('src has none', () => {
    const offenders = ROOTS.flatMap(sourceFiles).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (SPREAD_INTO_CALL.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
