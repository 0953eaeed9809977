/**
 * `npm run bench [-- scenario ...]`: runs the selected scenarios (all by default) one after another on this
 * machine, prints a table per scenario and writes everything to bench/results/bench-<date>.json.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatScenario, writeResults } from './lib/report.js';
import type { ScenarioResult } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
if (process.argv.includes('--list')) {
  for (const scenario of SCENARIOS) console.log(`${scenario.name.padEnd(14)} ${scenario.description}`);
  process.exit(0);
}
const unknown = requested.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = requested.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => requested.includes(s.name));

const results: Record<string, ScenarioResult> = {};
for (const scenario of selected) {
  const started = Date.now();
  console.error(`bench: ${scenario.name} (${scenario.description})...`);
  results[scenario.name] = await scenario.run();
  console.error(`bench: ${scenario.name} took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(formatScenario(scenario.name, results[scenario.name]!));
}
const file = writeResults(results, path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'));
console.log(`results written to ${path.relative(process.cwd(), file)}`);
// ORT and server handles may keep the loop alive a moment; the bench is done.
process.exit(0);
