/** Every bench scenario, by name. `npm run bench -- <name> ...` runs a selection; no names runs them all. */
import type { Scenario } from '../lib/scenario.js';
import { ocrScenario } from '../ocr.js';
import { consoleFirstLoad } from './console-first-load.js';
import { embeddingThroughput } from './embedding-throughput.js';
import { generationScenario } from './generation.js';
import { hotSwapScenario } from './hot-swap.js';
import { meteringOverhead } from './metering.js';
import { tinyModelOverhead } from './tiny-model-overhead.js';

export const SCENARIOS: Scenario[] = [
  embeddingThroughput,
  tinyModelOverhead,
  hotSwapScenario,
  meteringOverhead,
  generationScenario,
  consoleFirstLoad,
  ocrScenario,
];
