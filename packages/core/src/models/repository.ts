/**
 * Reads a Triton-style model repository: <root>/<model>/config.json and <root>/<model>/<version>/model.onnx.
 * Only reads the file system; loading is the registry's job.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LoadFailure, loadFailureOf } from './load-failure.js';
import { parseModelConfig, type ModelConfig } from './model-config.js';
import { isValidModelName } from './model-name.js';

export { isValidModelName, MODEL_NAME_PATTERN } from './model-name.js';

export interface VersionFiles {
  version: number;
  /** The version folder (for the Hugging Face layout: config.json, tokenizer files, onnx/). */
  directory: string;
  modelPath: string;
  size: number;
  mtimeMs: number;
  /** A READY marker file in the version directory declares the copy complete. */
  hasReadyMarker: boolean;
}

export interface ModelDirectory {
  name: string;
  directory: string;
  config?: ModelConfig;
  /** Why config.json could not be used; the model is then reported as UNAVAILABLE. */
  configError?: LoadFailure;
  versions: VersionFiles[];
}

export const MODEL_FILE = 'model.onnx';
export const PIPELINE_FILE = 'pipeline.json';
/**
 * Where the graph is, in order: Sluice's own layout, then a Hugging Face Optimum / transformers.js folder
 * (onnx/model.onnx, else one of its quantized variants).
 */
const MODEL_FILE_CANDIDATES = [
  MODEL_FILE,
  'onnx/model.onnx',
  'onnx/model_fp16.onnx',
  'onnx/model_quantized.onnx',
  'onnx/model_int8.onnx',
  'onnx/model_uint8.onnx',
  'onnx/model_q4.onnx',
  'onnx/model_q4f16.onnx',
  'onnx/model_bnb4.onnx',
  // A pipeline version: its steps, instead of a graph (see pipelines/).
  PIPELINE_FILE,
];
export const READY_MARKER = 'READY';

/** config.json is read whole: bound it so a huge file cannot exhaust memory on every poll. */
const MAX_CONFIG_BYTES = 1024 * 1024;

async function readConfig(directory: string): Promise<{ config?: ModelConfig; configError?: LoadFailure }> {
  const file = path.join(directory, 'config.json');
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > MAX_CONFIG_BYTES)
      return {
        configError: new LoadFailure('config', `config.json is larger than ${MAX_CONFIG_BYTES} bytes`, `${file}: ${info.size} bytes`),
      };
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { config: parseModelConfig(undefined) };
    return { configError: loadFailureOf('config', error, ' (it cannot be read)') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the file's bytes: those stay in the log.
    return { configError: loadFailureOf('config', error, ' (it is not valid JSON)') };
  }
  try {
    return { config: parseModelConfig(parsed) };
  } catch (error) {
    return { configError: loadFailureOf('config', error) };
  }
}

async function readVersions(directory: string): Promise<VersionFiles[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const versions: VersionFiles[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !/^[1-9][0-9]{0,8}$/.test(entry.name)) continue;
    const versionDir = path.join(directory, entry.name);
    for (const candidate of MODEL_FILE_CANDIDATES) {
      const modelPath = path.join(versionDir, candidate);
      try {
        const info = await stat(modelPath);
        if (!info.isFile()) continue;
        const hasReadyMarker = await stat(path.join(versionDir, READY_MARKER)).then(
          () => true,
          () => false,
        );
        versions.push({
          version: Number(entry.name),
          directory: versionDir,
          modelPath,
          size: info.size,
          mtimeMs: info.mtimeMs,
          hasReadyMarker,
        });
        break;
      } catch {
        // a version directory without a model file (yet) is not a version
      }
    }
  }
  return versions.sort((a, b) => a.version - b.version);
}

/** Reads one model's directory; undefined when it does not exist. */
export async function readModelDirectory(root: string, name: string): Promise<ModelDirectory | undefined> {
  if (!isValidModelName(name)) return undefined;
  const directory = path.join(root, name);
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) return undefined;
  const [{ config, configError }, versions] = await Promise.all([readConfig(directory), readVersions(directory)]);
  return { name, directory, config, configError, versions };
}

/**
 * Lists every model directory in the repository, sorted by name. Hidden directories (staging) are ignored;
 * other names that break the model-name rule are skipped and passed to `onSkipped` so they can be reported.
 */
export async function scanRepository(root: string, onSkipped: (name: string) => void = () => undefined): Promise<ModelDirectory[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const directories = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  for (const entry of directories) if (!isValidModelName(entry.name)) onSkipped(entry.name);
  const names = directories
    .filter((e) => isValidModelName(e.name))
    .map((e) => e.name)
    .sort();
  const models = await Promise.all(names.map((name) => readModelDirectory(root, name)));
  return models.filter((m): m is ModelDirectory => m !== undefined);
}
