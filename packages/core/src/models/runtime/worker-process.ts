/**
 * Starts one ORT worker process. The built package runs plain .js; from source (npm start, tests under tsx
 * or vitest) the worker is a .ts file and starts with tsx's loader.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export function startWorkerProcess(): ChildProcess {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromSource ? './ort-worker.ts' : './ort-worker.js', import.meta.url));
  const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return fork(entry, [], {
    execArgv,
    serialization: 'advanced', // typed arrays (BigInt64Array too) cross as typed arrays
    // onnxruntime-node embeds Microsoft's telemetry client; Sluice promises that nothing phones home.
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
