/** Child-process entry for the in-process limit (see in-process-limit.ts): reads BENCH_LIMIT, prints the points as JSON. */
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { LimitPoint } from './in-process-limit.js';

async function measure(
  model: Uint8Array | string,
  tokenIds: number[],
  batchSizes: number[],
  threads: number,
  secondsPerPoint: number,
): Promise<LimitPoint[]> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  const session =
    typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  const points: LimitPoint[] = [];
  try {
    for (const batch of batchSizes) {
      const sequence = tokenIds.length;
      const ids = new BigInt64Array(batch * sequence);
      for (let row = 0; row < batch; row++) tokenIds.forEach((id, i) => (ids[row * sequence + i] = BigInt(id)));
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [batch, sequence]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * sequence).fill(1n), [batch, sequence]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * sequence), [batch, sequence]),
      };
      for (let i = 0; i < 2; i++) await session.run(feeds); // warm-up: allocator and kernels
      let runs = 0;
      const started = performance.now();
      while (performance.now() - started < secondsPerPoint * 1000 || runs < 3) {
        await session.run(feeds);
        runs++;
      }
      const elapsedMs = performance.now() - started;
      points.push({ batchSize: batch, itemsPerSecond: (runs * batch * 1000) / elapsedMs, msPerRun: elapsedMs / runs });
    }
  } finally {
    await session.release();
  }
  return points;
}

const job = JSON.parse(process.env.BENCH_LIMIT!) as {
  modelPath: string;
  tokenIds: number[];
  batchSizes: number[];
  threads: number;
  secondsPerPoint: number;
};
const points = await measure(job.modelPath, job.tokenIds, job.batchSizes, job.threads, job.secondsPerPoint);
process.stdout.write(JSON.stringify(points));
process.exit(0);
