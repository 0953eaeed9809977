/**
 * Runs axe-core (the npm package, injected from node_modules: no CDN) on the current page and returns the
 * violations a test must not accept: impact "serious" or "critical".
 *
 * The console's CSP is `script-src 'self'`, which blocks an injected <script>: pages checked with axe are opened
 * in a context created with playwright's `bypassCSP: true` (see newAxeContext). That context is for the axe run
 * only; every other test runs under the real CSP.
 */
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { newContext } from './chromium.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

export interface AxeReport {
  url: string;
  /** Every rule that failed, whatever its impact. */
  violations: AxeViolation[];
  /** The ones with impact serious or critical. */
  blocking: AxeViolation[];
  /** How many rules passed: zero would mean axe did not really look at the page. */
  passes: number;
}

/** A browser context that lets axe's script in despite the console's CSP (axe runs only). */
export function newAxeContext(browser: Browser): Promise<BrowserContext> {
  return newContext(browser, { bypassCSP: true });
}

export async function runAxe(page: Page): Promise<AxeReport> {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<any> } }).axe;
    const run = await axe.run((globalThis as any).document, { resultTypes: ['violations', 'passes'] });
    return {
      passes: run.passes.length as number,
      violations: (run.violations as any[]).map((v) => ({
        id: String(v.id),
        impact: (v.impact ?? null) as string | null,
        help: String(v.help),
        nodes: (v.nodes as any[])
          .slice(0, 5)
          .map((n) => ({ target: (n.target as unknown[]).map(String), summary: String(n.failureSummary ?? '') })),
      })),
    };
  });
  const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return { url: page.url(), violations: result.violations, blocking, passes: result.passes };
}

/** One line per violation, for assertion messages and the test log. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.impact ?? 'unknown'} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
    .join('\n');
}
