/**
 * The physical limit for a model: onnxruntime-node called directly, no HTTP, no workers, pre-built feeds,
 * every core given to one session's intra-op pool. Tries several batch sizes; the caller keeps the best.
 * Runs in a child process (limit-child.ts): loading onnxruntime-node in the main thread of a process that also
 * starts Sluice's ORT worker threads aborts it with a Napi::Error, and a separate process keeps the measurement
 * clean anyway. This module must therefore never import onnxruntime-node itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LimitPoint {
  batchSize: number;
  itemsPerSecond: number;
  msPerRun: number;
}

/** Measures in a fresh child process (tsx), returning its points. */
export async function measureEncoderLimit(
  model: Uint8Array,
  tokenIds: number[],
  batchSizes: number[],
  threads: number,
  secondsPerPoint: number,
): Promise<LimitPoint[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-bench-limit-'));
  const modelPath = path.join(dir, 'model.onnx');
  writeFileSync(modelPath, model);
  const child = fileURLToPath(new URL('./limit-child.ts', import.meta.url));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', child], {
        env: { ...process.env, BENCH_LIMIT: JSON.stringify({ modelPath, tokenIds, batchSizes, threads, secondsPerPoint }) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      proc.stdout.on('data', (chunk) => (stdout += chunk));
      proc.on('error', reject);
      proc.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`limit measurement exited with ${code}`))));
    });
    return JSON.parse(output) as LimitPoint[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
