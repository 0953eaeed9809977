/**
 * A private model repository for the voice activity tests: the demo's silero-vad and vad, plus `vad-frames`, the
 * demo pipeline's first three steps (decode, resample, frame scan) with the per-frame speech probabilities as
 * output, so a test can compare them with the reference implementation through the real server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VAD_PIPELINE } from '../../demo/vad-demo.js';
import { copyDemoModels } from './test-server.js';

export function speechRepository(): { dir: string; remove(): void } {
  const repository = copyDemoModels(['silero-vad', 'vad']);
  const frames = path.join(repository.dir, 'vad-frames');
  mkdirSync(path.join(frames, '1'), { recursive: true });
  writeFileSync(path.join(frames, 'config.json'), JSON.stringify({ task: 'pipeline', description: 'vad up to the frame scan (tests)' }));
  const scan = VAD_PIPELINE.steps.findIndex((step) => step.op === 'model.scan_frames');
  const pipeline = {
    ...VAD_PIPELINE,
    outputs: [{ name: 'frame_probabilities', datatype: 'FP32', shape: [-1] }],
    steps: VAD_PIPELINE.steps.slice(0, scan + 1),
  };
  writeFileSync(path.join(frames, '1', 'pipeline.json'), JSON.stringify(pipeline));
  return repository;
}
