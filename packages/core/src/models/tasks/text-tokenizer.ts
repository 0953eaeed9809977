/**
 * Text -> token id batches for text tasks, from a Hugging Face tokenizer.json (pure JS, no native code).
 * Tokenizing is CPU work proportional to the text, so it runs in the ORT worker (text-pipeline.ts), never on
 * the HTTP thread, and checks between texts whether anyone still waits for the result.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TokenBatch {
  batchSize: number;
  sequenceLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
  /** Real (non-padding) tokens per text, for usage accounting. */
  tokenCounts: number[];
}

export interface TextTokenizer {
  /** `checkDeadline` runs before each text and throws to stop a batch nobody waits for any more. */
  encodeBatch(texts: string[], checkDeadline?: () => void): TokenBatch;
}

async function readJsonIfPresent(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function padIdOf(tokenizerJson: Record<string, unknown>, tokenizer: Tokenizer): number {
  const padding = tokenizerJson.padding as { pad_id?: number } | null | undefined;
  if (typeof padding?.pad_id === 'number') return padding.pad_id;
  return tokenizer.token_to_id('[PAD]') ?? tokenizer.token_to_id('<pad>') ?? 0;
}

/** Loads <modelDir>/<file> (and tokenizer_config.json beside it when present). */
export async function loadTextTokenizer(modelDirectory: string, file: string, maxSequenceLength: number): Promise<TextTokenizer> {
  const tokenizerPath = path.join(modelDirectory, file);
  const tokenizerJson = await readJsonIfPresent(tokenizerPath);
  if (!tokenizerJson) throw new Error(`tokenizer file ${tokenizerPath} does not exist`);
  // The JS tokenizer takes the unknown token from tokenizer_config.json; without that file, WordLevel models
  // would map unknown words to undefined ids, so fall back to the model's own unk_token.
  const tokenizerConfig = (await readJsonIfPresent(path.join(path.dirname(tokenizerPath), 'tokenizer_config.json'))) ?? {
    unk_token: (tokenizerJson.model as { unk_token?: string } | undefined)?.unk_token,
  };
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const padId = padIdOf(tokenizerJson, tokenizer);

  /** Truncates to the limit while keeping a trailing special token such as [SEP] in place. */
  function encodeOne(text: string): number[] {
    const ids = tokenizer.encode(text).ids;
    if (ids.length <= maxSequenceLength) return ids;
    const specials = ids.length - tokenizer.encode(text, { add_special_tokens: false }).ids.length;
    const keepTail = specials >= 2 ? 1 : 0;
    return [...ids.slice(0, maxSequenceLength - keepTail), ...ids.slice(ids.length - keepTail)];
  }

  return {
    encodeBatch(texts, checkDeadline) {
      const encoded = texts.map((text) => {
        checkDeadline?.();
        return encodeOne(text);
      });
      let sequenceLength = 1;
      for (const ids of encoded) sequenceLength = Math.max(sequenceLength, ids.length);
      const size = texts.length * sequenceLength;
      const inputIds = new BigInt64Array(size).fill(BigInt(padId));
      const attentionMask = new BigInt64Array(size);
      encoded.forEach((ids, row) => {
        ids.forEach((id, column) => {
          inputIds[row * sequenceLength + column] = BigInt(id);
          attentionMask[row * sequenceLength + column] = 1n;
        });
      });
      return {
        batchSize: texts.length,
        sequenceLength,
        inputIds,
        attentionMask,
        tokenTypeIds: new BigInt64Array(size),
        tokenCounts: encoded.map((ids) => ids.length),
      };
    },
  };
}
