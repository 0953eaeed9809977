/**
 * Hot swap costs: (1) memory after 200 load/unload cycles of a real model (the PaddleOCR detector, 4.7 MB),
 * as RSS growth over a warmed-up baseline — target under 10 %; (2) inference p99 while versions swap
 * continuously, against steady state, from the same run — and no failed request during the swaps.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSentimentModel } from '../../demo/build-demo-repository.js';
import { loadRow, runLoad } from '../lib/load.js';
import { copyDemoModel, tempRepository } from '../lib/bench-models.js';
import type { Scenario, ScenarioResult } from '../lib/scenario.js';
import { startSluice, type BenchServer } from '../lib/sluice-server.js';

const CYCLES = 200;
const WARM_UP_CYCLES = 20;
const LOAD_SECONDS = 8;
const CONNECTIONS = 8;

async function post(server: BenchServer, route: string, body: unknown = {}): Promise<number> {
  const response = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

function rssMiB(): number {
  global.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

async function loadUnloadCycles(server: BenchServer, cycles: number): Promise<void> {
  for (let i = 0; i < cycles; i++) {
    if ((await post(server, '/v2/repository/models/ocr-detector/unload')) !== 200) throw new Error('unload failed');
    if ((await post(server, '/v2/repository/models/ocr-detector/load')) !== 200) throw new Error('load failed');
  }
}

async function measureMemory(): Promise<{ before: number; after: number; peak: number; seconds: number }> {
  const repository = tempRepository('swap-memory');
  copyDemoModel(repository.dir, 'ocr-detector', 'ocr-detector');
  const server = await startSluice({ models: repository.dir, workers: 2 });
  try {
    await loadUnloadCycles(server, WARM_UP_CYCLES); // allocator pools and JIT settle first
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = rssMiB();
    let peak = before;
    const started = performance.now();
    for (let done = 0; done < CYCLES; done += 20) {
      await loadUnloadCycles(server, 20);
      peak = Math.max(peak, rssMiB());
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { before, after: rssMiB(), peak, seconds: (performance.now() - started) / 1000 };
  } finally {
    await server.close();
    repository.remove();
  }
}

function publish(modelDir: string, version: number): void {
  const staging = path.join(modelDir, `.staging-${version}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, 'model.onnx'), buildSentimentModel({ scale: 1 + (version % 7) / 10 }));
  renameSync(staging, path.join(modelDir, String(version)));
}

async function measureLatency(): Promise<{
  steady: Awaited<ReturnType<typeof runLoad>>;
  swapping: Awaited<ReturnType<typeof runLoad>>;
  swaps: number;
}> {
  const repository = tempRepository('swap-latency');
  copyDemoModel(repository.dir, 'sentiment', 'sentiment');
  const modelDir = path.join(repository.dir, 'sentiment');
  const server = await startSluice({ models: repository.dir, workers: 2 });
  const load = {
    url: `${server.url}/v2/models/sentiment/infer`,
    method: 'POST' as const,
    connections: CONNECTIONS,
    durationSeconds: LOAD_SECONDS,
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify({ inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['I love this, what a wonderful day'] }] }),
  };
  try {
    await runLoad({ ...load, durationSeconds: 2 }); // warm-up
    const steady = await runLoad(load);
    let swapping = true;
    let swaps = 0;
    const swapper = (async () => {
      for (let version = 2; swapping; version++) {
        publish(modelDir, version);
        if ((await post(server, '/v2/repository/models/sentiment/load')) !== 200) throw new Error(`swap to ${version} failed`);
        swaps++;
        if (version > 3) rmSync(path.join(modelDir, String(version - 2)), { recursive: true, force: true });
      }
    })();
    const during = await runLoad(load);
    swapping = false;
    await swapper;
    return { steady, swapping: during, swaps };
  } finally {
    await server.close();
    repository.remove();
  }
}

export const hotSwapScenario: Scenario = {
  name: 'hot-swap',
  description: 'RSS growth over 200 load/unload cycles; inference p99 while swapping vs steady state',
  async run(): Promise<ScenarioResult> {
    const memory = await measureMemory();
    const { steady, swapping, swaps } = await measureLatency();
    const growth = (memory.after - memory.before) / memory.before;
    return {
      rows: [
        loadRow('sentiment infer, steady state', CONNECTIONS, steady),
        loadRow(`sentiment infer, swapping (${swaps} swaps in ${LOAD_SECONDS}s)`, CONNECTIONS, swapping),
      ],
      ratios: [
        { name: `RSS growth over ${CYCLES} load/unload cycles (lower is better; target < 0.10)`, value: growth },
        { name: 'p99 swapping / p99 steady (lower is better)', value: swapping.p99Ms / Math.max(steady.p99Ms, 0.001) },
        { name: 'failed requests during swaps (target 0)', value: swapping.non2xx + swapping.errors },
      ],
      notes: [
        `RSS before ${memory.before.toFixed(1)} MiB (after ${WARM_UP_CYCLES} warm-up cycles), after ${memory.after.toFixed(1)} MiB, peak ${memory.peak.toFixed(1)} MiB; ${CYCLES} cycles of ocr-detector (2 sessions each) took ${memory.seconds.toFixed(1)} s`,
        'RSS is the whole server process (worker threads included). Run with node --expose-gc for a GC before each reading.',
      ],
    };
  },
};
