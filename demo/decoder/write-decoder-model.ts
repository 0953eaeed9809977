/**
 * Writes a random-weight decoder as a Hugging Face download in the Optimum / transformers.js
 * layout:
 *
 *   <dir>/config.json  generation_config.json  tokenizer.json  tokenizer_config.json
 *        special_tokens_map.json  onnx/model.onnx  (onnx/model.onnx_data when external)
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serialize } from "../onnx-builder.js";
import { buildDecoderModel, type DecoderSpec } from "./decoder-graph.js";
import { initializerBytes, moveToExternalData } from "./external-data.js";
import { FAMILY_TRAITS, type DecoderFamily } from "./families.js";
import { buildConfigJson, buildGenerationConfigJson } from "./model-config.js";
import { buildTokenizerFiles } from "./tokenizer-files.js";

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
  buildMs: number;
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

function writeJson(path: string, value: object): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeDecoderModel(dir: string, opts: DecoderModelOptions): WrittenDecoderModel {
  const started = performance.now();
  const tokenizer = buildTokenizerFiles(opts.family, { merges: opts.merges ?? 400, vocabSize: opts.vocab });
  const spec = resolveDecoderSpec(opts, tokenizer.vocabSize);
  const model = buildDecoderModel(spec);
  const external = opts.externalData ?? initializerBytes(model) > INLINE_LIMIT_BYTES;

  const onnxDir = join(dir, "onnx");
  mkdirSync(onnxDir, { recursive: true });
  const files = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "onnx/model.onnx"];
  writeJson(join(dir, "config.json"), buildConfigJson(spec, tokenizer, external));
  writeJson(join(dir, "generation_config.json"), buildGenerationConfigJson(tokenizer));
  writeJson(join(dir, "tokenizer.json"), tokenizer.tokenizerJson);
  writeJson(join(dir, "tokenizer_config.json"), tokenizer.tokenizerConfig);
  writeJson(join(dir, "special_tokens_map.json"), tokenizer.specialTokensMap);

  let onnxBytes = 0;
  const dataPath = join(onnxDir, "model.onnx_data");
  if (external) {
    onnxBytes += moveToExternalData(model, dataPath, "model.onnx_data");
    files.push("onnx/model.onnx_data");
  } else {
    rmSync(dataPath, { force: true }); // a stale data file from an earlier external build
  }
  // Written under a temporary name and renamed: a server watching the folder never loads half a file.
  const modelPath = join(onnxDir, "model.onnx");
  writeFileSync(`${modelPath}.tmp`, serialize(model));
  renameSync(`${modelPath}.tmp`, modelPath);
  onnxBytes += statSync(modelPath).size;

  const c = tokenizer.conventions;
  return {
    dir,
    spec,
    files,
    onnxBytes,
    tokens: {
      bos: c.bos === null ? null : tokenizer.idOf(c.bos),
      eos: tokenizer.idOf(c.eos),
      pad: tokenizer.idOf(c.pad),
      stop: c.stopTokens.map((t) => tokenizer.idOf(t)),
    },
    buildMs: performance.now() - started,
  };
}
