/**
 * `npm run bench -- ocr`: pages per second read by the `ocr` pipeline (one request per page) against a client
 * that calls ocr-detector, ocr-direction and ocr-recognizer one after another over HTTP and does the same pre-
 * and post-processing itself (bench/ocr-client.ts), on the same server, same pages, same concurrency.
 * Ratio: pipeline pages/s / chained-client pages/s (target 1.5).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MODELS_DIR, buildDemoRepository } from '../demo/build-demo-repository.js';
import { SAMPLE_RECEIPT } from '../demo/ocr-demo.js';
import { chainedOcrClient } from './ocr-client.js';
import type { Ratio, ResultRow, Scenario, ScenarioResult } from './lib/scenario.js';
import { startSluice } from './lib/sluice-server.js';
import { benchSeconds } from './scenarios/durations.js';

/** One reader (a user's latency) and four (a loaded server). */
const CONCURRENCIES = [1, 4];

interface ClosedLoopResult {
  pagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  lastText: string[];
}

/** `concurrency` loops each reading pages back to back for `seconds`. */
async function closedLoop(
  pages: Buffer[],
  concurrency: number,
  seconds: number,
  read: (page: Buffer) => Promise<string[]>,
): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let lastText: string[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; performance.now() < until; i += concurrency) {
        const t0 = performance.now();
        try {
          lastText = await read(pages[i % pages.length]!);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          if (errors === 1) console.error(`bench ocr: ${String(error)}`);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { pagesPerSecond: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), errors, lastText };
}

const row = (name: string, concurrency: number, r: ClosedLoopResult): ResultRow => ({
  name,
  concurrency,
  throughput: r.pagesPerSecond,
  unit: 'items/s',
  p50Ms: r.p50Ms,
  p99Ms: r.p99Ms,
  errors: r.errors,
});

export const ocrScenario: Scenario = {
  name: 'ocr',
  description: 'pages/s: the ocr pipeline vs a client chaining ocr-detector, ocr-direction, ocr-recognizer over HTTP',
  async run(): Promise<ScenarioResult> {
    buildDemoRepository();
    const receipt = readFileSync(SAMPLE_RECEIPT);
    // Two page sizes: the receipt as shipped (560x336) and scaled 1.25x.
    const pages = [receipt, await sharp(receipt).resize({ width: 700 }).greyscale().png({ palette: true }).toBuffer()];
    const server = await startSluice({ models: DEFAULT_MODELS_DIR, workers: 1 });
    try {
      const pipelineRead = async (page: Buffer): Promise<string[]> => {
        const response = await fetch(`${server.url}/v2/models/ocr/infer`, {
          method: 'POST',
          headers: { ...server.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [page.toString('base64')] }] }),
        });
        const body = (await response.json()) as { outputs?: { name: string; data: string[] }[]; error?: string };
        if (response.status !== 200) throw new Error(`ocr: ${response.status} ${body.error}`);
        return body.outputs!.find((o) => o.name === 'text')!.data;
      };
      const dictionary = readFileSync(path.join(DEFAULT_MODELS_DIR, 'ocr', '1', 'ppocr_keys_v1.txt'), 'utf8');
      const chained = chainedOcrClient(server.url, server.headers, dictionary);
      const chainedRead = (page: Buffer) => chained.read(page);

      const rows: ResultRow[] = [];
      const ratios: Ratio[] = [];
      const lastText: string[][] = [];
      for (const concurrency of CONCURRENCIES) {
        await closedLoop(pages, concurrency, benchSeconds.warmUp, pipelineRead);
        const pipeline = await closedLoop(pages, concurrency, benchSeconds.load, pipelineRead);
        await closedLoop(pages, concurrency, benchSeconds.warmUp, chainedRead);
        const client = await closedLoop(pages, concurrency, benchSeconds.load, chainedRead);
        const ratio = pipeline.pagesPerSecond / client.pagesPerSecond;
        console.log(
          `ocr x${concurrency}: pipeline ${pipeline.pagesPerSecond.toFixed(2)} pages/s, chained client ${client.pagesPerSecond.toFixed(2)} pages/s, ratio ${ratio.toFixed(2)}x`,
        );
        rows.push(row('ocr pipeline, one V2 JSON request per page (base64 image)', concurrency, pipeline));
        rows.push(row('client chaining 3 models over HTTP (binary tensors)', concurrency, client));
        ratios.push({ name: `ocr pipeline / chained client, pages/s with ${concurrency} reader(s)`, value: ratio, target: 1.5 });
        lastText.push(pipeline.lastText, client.lastText);
      }
      return {
        rows,
        ratios,
        notes: [
          `pages: demo/images/sample-receipt.png (6 lines) at 560x336 and 700x420; closed loops of 1 and 4 readers; the server has 1 ORT worker`,
          'the chained client runs in the bench process with the same step functions the pipeline uses, and moves tensors with the V2 binary extension',
          `last pages read (pipeline, client): ${JSON.stringify(lastText.slice(-2))}`,
        ],
      };
    } finally {
      await server.close();
    }
  },
};
