/**
 * Writes a random-weight decoder as a Hugging Face download in the Optimum / transformers.js
 * layout:
 *
 *   <dir>/config.json  generation_config.json  tokenizer.json  tokenizer_config.json
 *        special_tokens_map.json  README.md (model card)  onnx/model.onnx
 *        (onnx/model.onnx_data when the weights are external)
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from '../onnx-builder.js';
import { buildDecoderModel, type DecoderSpec } from './decoder-graph.js';
import { moveToExternalData } from './external-data.js';
import { quantizeDynamic } from './quantize-dynamic.js';
import { FAMILY_TRAITS, type DecoderFamily } from './families.js';
import { buildModelCard, parameterCount } from './model-card.js';
import { buildConfigJson, buildGenerationConfigJson } from './model-config.js';
import { buildTokenizerFiles, type TokenizerFiles } from './tokenizer-files.js';

export interface DecoderModelOptions {
  family: DecoderFamily;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  intermediate: number;
  /** Defaults to hidden / heads. */
  headDim?: number;
  /** The model's vocab_size; defaults to exactly the tokenizer's tokens. */
  vocab?: number;
  /** BPE merges the tokenizer learns (default 400). */
  merges?: number;
  ropeTheta?: number;
  rmsNormEps?: number;
  maxPositions?: number;
  tieWordEmbeddings?: boolean;
  seed?: number;
  /** Add the num_logits_to_keep input (default false, like Optimum's exports). */
  logitsToKeep?: boolean;
  /** Weights in onnx/model.onnx_data; default: only when the proto would pass protobuf's 2 GB. */
  externalData?: boolean;
  /** Also write onnx/model_quantized.onnx (dynamic int8, transformers.js dtype "q8"). */
  quantized?: boolean;
}

export interface WrittenDecoderModel {
  dir: string;
  spec: DecoderSpec;
  /** Files written, relative to dir. */
  files: string[];
  /** Bytes of onnx/model.onnx plus its external data. */
  onnxBytes: number;
  /** Token ids the server and tests need. */
  tokens: { bos: number | null; eos: number; pad: number; stop: number[] };
  parameters: number;
  /** Time spent building and writing (0 when ensureDecoderModel reused the folder). */
  buildMs: number;
  /** ensureDecoderModel found the same model already written. */
  reused: boolean;
}

/** Protobuf cannot encode a message of 2 GiB; leave room for the graph itself. */
const INLINE_LIMIT_BYTES = 2 ** 31 - 64 * 2 ** 20;

/** Options with every default filled in (the tokenizer decides the vocabulary when unset). */
export function resolveDecoderSpec(opts: DecoderModelOptions, tokenizerVocab: number): DecoderSpec {
  const traits = FAMILY_TRAITS[opts.family];
  return {
    family: opts.family,
    layers: opts.layers,
    hidden: opts.hidden,
    heads: opts.heads,
    kvHeads: opts.kvHeads,
    headDim: opts.headDim ?? opts.hidden / opts.heads,
    intermediate: opts.intermediate,
    vocab: tokenizerVocab,
    ropeTheta: opts.ropeTheta ?? traits.ropeTheta,
    rmsNormEps: opts.rmsNormEps ?? traits.rmsNormEps,
    maxPositions: opts.maxPositions ?? 8192,
    tieWordEmbeddings: opts.tieWordEmbeddings ?? traits.tieWordEmbeddings,
    seed: opts.seed ?? 1,
    logitsToKeep: opts.logitsToKeep ?? false,
  };
}

/** Written under a temporary name and renamed: a server watching the folder never loads half a file. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

function writeJson(path: string, value: object): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

interface Plan {
  tokenizer: TokenizerFiles;
  spec: DecoderSpec;
  external: boolean;
  files: string[];
  card: string;
}

function plan(opts: DecoderModelOptions): Plan {
  const tokenizer = buildTokenizerFiles(opts.family, { merges: opts.merges ?? 400, vocabSize: opts.vocab });
  const spec = resolveDecoderSpec(opts, tokenizer.vocabSize);
  const external = opts.externalData ?? parameterCount(spec) * 4 > INLINE_LIMIT_BYTES;
  const files = [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'README.md',
    'onnx/model.onnx',
    ...(external ? ['onnx/model.onnx_data'] : []),
    ...(opts.quantized ? ['onnx/model_quantized.onnx'] : []),
  ];
  return { tokenizer, spec, external, files, card: buildModelCard(spec, opts, files) };
}

function summarize(dir: string, p: Plan, buildMs: number, reused: boolean): WrittenDecoderModel {
  const c = p.tokenizer.conventions;
  const onnxBytes = p.files.filter((f) => f.startsWith('onnx/')).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  return {
    dir,
    spec: p.spec,
    files: p.files,
    onnxBytes,
    tokens: {
      bos: c.bos === null ? null : p.tokenizer.idOf(c.bos),
      eos: p.tokenizer.idOf(c.eos),
      pad: p.tokenizer.idOf(c.pad),
      stop: c.stopTokens.map((t) => p.tokenizer.idOf(t)),
    },
    parameters: parameterCount(p.spec),
    buildMs,
    reused,
  };
}

/** Builds the model and writes the folder (replacing what is there). */
export function writeDecoderModel(dir: string, opts: DecoderModelOptions): WrittenDecoderModel {
  const started = performance.now();
  const p = plan(opts);
  const model = buildDecoderModel(p.spec);

  const onnxDir = join(dir, 'onnx');
  mkdirSync(onnxDir, { recursive: true });
  // The model card is written last: a folder without it is an unfinished build.
  rmSync(join(dir, 'README.md'), { force: true });
  writeJson(join(dir, 'config.json'), buildConfigJson(p.spec, p.tokenizer, p.external));
  writeJson(join(dir, 'generation_config.json'), buildGenerationConfigJson(p.tokenizer));
  writeJson(join(dir, 'tokenizer.json'), p.tokenizer.tokenizerJson);
  writeJson(join(dir, 'tokenizer_config.json'), p.tokenizer.tokenizerConfig);
  writeJson(join(dir, 'special_tokens_map.json'), p.tokenizer.specialTokensMap);

  const quantizedPath = join(onnxDir, 'model_quantized.onnx');
  // Quantized first: it reads the float weights, which moving them to external data empties.
  if (opts.quantized) writeAtomically(quantizedPath, serialize(quantizeDynamic(model)));
  else rmSync(quantizedPath, { force: true });

  const dataPath = join(onnxDir, 'model.onnx_data');
  if (p.external) moveToExternalData(model, dataPath, 'model.onnx_data');
  else rmSync(dataPath, { force: true }); // a stale data file from an earlier external build
  writeAtomically(join(onnxDir, 'model.onnx'), serialize(model));
  writeFileSync(join(dir, 'README.md'), p.card);
  return summarize(dir, p, performance.now() - started, false);
}

/**
 * Reuses `dir` when it holds a finished build of the same options (its model card matches and
 * every file is there), else writes it: the bench's 135M-parameter model is built once per machine.
 */
export function ensureDecoderModel(dir: string, opts: DecoderModelOptions): WrittenDecoderModel {
  const p = plan(opts);
  const cardPath = join(dir, 'README.md');
  const finished = existsSync(cardPath) && readFileSync(cardPath, 'utf8') === p.card && p.files.every((f) => existsSync(join(dir, f)));
  return finished ? summarize(dir, p, 0, true) : writeDecoderModel(dir, opts);
}
