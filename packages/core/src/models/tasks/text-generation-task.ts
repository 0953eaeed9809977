/**
 * text-generation: a decoder-only model in the Hugging Face Optimum / transformers.js layout (config.json,
 * generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx with a KV cache). Requests
 * do not go through run(): the generation service drives the version's scheduler (generation/).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SluiceError } from '../../errors.js';
import type { GenerationConfig } from '../model-config.js';
import type { WireValueInfo } from '../runtime/worker-protocol.js';
import { decoderSpecOf, type DecoderSpec, type HfDecoderConfig } from '../generation/decoder-spec.js';
import { loadGenerationTokenizer, type GenerationTokenizer } from '../generation/generation-tokenizer.js';
import type { ModelTaskHandler } from './task.js';

export interface TextGenerationModel {
  spec: DecoderSpec;
  tokenizer: GenerationTokenizer;
  /** Tokens that end a sequence (generation_config.json, config.json). */
  eosTokenIds: Set<number>;
  /** Prompt + new tokens per sequence. */
  maxContextLength: number;
  /** max_tokens when a request does not say (config.json generation.default_max_tokens). */
  defaultMaxTokens: number;
  /** Sampling defaults from generation_config.json, for requests that do not say. */
  defaults: { temperature: number; topP: number };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface GenerationConfigJson {
  eos_token_id?: number | number[];
  do_sample?: boolean;
  temperature?: number;
  top_p?: number;
}

function idsOf(value: number | number[] | undefined): number[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads a version folder's config.json: the task is text-generation when its architecture is *ForCausalLM. */
export function readHfConfig(versionDirectory: string): Promise<HfDecoderConfig | undefined> {
  return readJson<HfDecoderConfig>(path.join(versionDirectory, 'config.json'));
}

export async function createTextGenerationTask(
  session: { inputs: WireValueInfo[]; outputs: WireValueInfo[] },
  versionDirectory: string,
  config: GenerationConfig,
): Promise<ModelTaskHandler> {
  const hf = await readHfConfig(versionDirectory);
  if (!hf) throw new Error('the version folder has no config.json (the Hugging Face model config)');
  const spec = decoderSpecOf(session.inputs, session.outputs, hf);
  const tokenizer = await loadGenerationTokenizer(versionDirectory);
  const generationConfig = (await readJson<GenerationConfigJson>(path.join(versionDirectory, 'generation_config.json'))) ?? {};
  const eosTokenIds = new Set([...idsOf(generationConfig.eos_token_id), ...idsOf(hf.eos_token_id)]);
  const sampled = generationConfig.do_sample === true;
  const generation: TextGenerationModel = {
    spec,
    tokenizer,
    eosTokenIds,
    maxContextLength: config.maxContextLength ?? hf.max_position_embeddings ?? 2048,
    defaultMaxTokens: config.defaultMaxTokens,
    defaults: { temperature: sampled ? (generationConfig.temperature ?? 1) : 0, topP: sampled ? (generationConfig.top_p ?? 1) : 1 },
  };
  return {
    name: 'text-generation',
    signature: {
      inputs: [{ name: 'text_input', datatype: 'BYTES', shape: [1] }],
      outputs: [{ name: 'text_output', datatype: 'BYTES', shape: [1] }],
    },
    generation,
    run() {
      return Promise.reject(
        new SluiceError(
          'SLUICE_ERR_TASK_MISMATCH',
          'a text-generation model is served by /v2/models/{model}/generate, /v1/chat/completions and /v1/completions, not /infer',
        ),
      );
    },
  };
}
