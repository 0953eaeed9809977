/**
 * tokenizer.json, tokenizer_config.json and special_tokens_map.json for a decoder family: a
 * byte-level BPE learned from TOKENIZER_CORPUS, the family's special tokens where its real
 * tokenizer puts them, and its chat template.
 *
 * Vocabulary order: specialsFirst, the 256 byte tokens, one token per merge, filler tokens up to
 * the model's vocab size, specialsLast. Fillers are two-byte tokens no merge produces (real
 * vocabularies also hold tokens encoding never emits): the model may still generate them, and
 * they decode to their bytes, so every id the LM head can produce is a real token.
 */
import { trainByteLevelBpe, bytesToUnicode, type BpeModel } from './bpe-trainer.js';
import { CHAT_CONVENTIONS, type ChatConventions } from './chat-conventions.js';
import { TOKENIZER_CORPUS } from './corpus.js';
import type { DecoderFamily } from './families.js';

export interface TokenizerOptions {
  /** BPE merges to learn (fewer if the corpus runs out of pairs seen twice). */
  merges: number;
  /** Total vocabulary (the model's vocab_size); defaults to exactly the tokens needed. */
  vocabSize?: number;
}

export interface TokenizerFiles {
  tokenizerJson: object;
  tokenizerConfig: object;
  specialTokensMap: object;
  vocabSize: number;
  /** The id of a special token (throws for unknown names). */
  idOf(token: string): number;
  conventions: ChatConventions;
}

const trained = new Map<number, BpeModel>();
function bpeFor(merges: number): BpeModel {
  let model = trained.get(merges);
  if (!model) {
    model = trainByteLevelBpe(TOKENIZER_CORPUS, merges);
    trained.set(merges, model);
  }
  return model;
}

/** Two-byte tokens outside `taken`, in a fixed order, until `count` are found. */
function fillerTokens(count: number, taken: Set<string>): string[] {
  const chars = bytesToUnicode();
  const fillers: string[] = [];
  for (const a of chars) {
    for (const b of chars) {
      if (fillers.length === count) return fillers;
      if (!taken.has(a + b)) fillers.push(a + b);
    }
  }
  if (fillers.length < count) throw new Error(`cannot fill a vocabulary with ${count} more two-byte tokens`);
  return fillers;
}

function vocabulary(conventions: ChatConventions, bpe: BpeModel, vocabSize: number | undefined): string[] {
  const natural = conventions.specialsFirst.length + bpe.tokens.length + conventions.specialsLast.length;
  const size = vocabSize ?? natural;
  if (size < natural) throw new Error(`vocab size ${size} is below the tokenizer's ${natural} tokens`);
  const body = [...conventions.specialsFirst, ...bpe.tokens];
  body.push(...fillerTokens(size - natural, new Set(body)));
  return [...body, ...conventions.specialsLast];
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

function postProcessor(conventions: ChatConventions, idOf: (token: string) => number): object {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  if (!conventions.addBosToken || conventions.bos === null) return byteLevel;
  const bos = conventions.bos;
  const special = { SpecialToken: { id: bos, type_id: 0 } };
  return {
    type: 'TemplateProcessing',
    single: [special, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [special, { Sequence: { id: 'A', type_id: 0 } }, special, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [bos]: { id: bos, ids: [idOf(bos)], tokens: [bos] } },
  };
}

export function buildTokenizerFiles(family: DecoderFamily, opts: TokenizerOptions): TokenizerFiles {
  const conventions = CHAT_CONVENTIONS[family];
  const bpe = bpeFor(opts.merges);
  const tokens = vocabulary(conventions, bpe, opts.vocabSize);
  const ids = new Map(tokens.map((token, id) => [token, id]));
  const idOf = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) throw new Error(`no token ${token} in the ${family} vocabulary`);
    return id;
  };
  const specials = [...conventions.specialsFirst, ...conventions.specialsLast];

  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((token) => addedToken(idOf(token), token)),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: postProcessor(conventions, idOf),
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(tokens.map((token, id) => [token, id]).filter(([token]) => !specials.includes(token as string))),
      merges: bpe.merges.map(([a, b]) => `${a} ${b}`),
    },
  };

  const named = { bos_token: conventions.bos, eos_token: conventions.eos, pad_token: conventions.pad, unk_token: conventions.unk };
  const tokenizerConfig = {
    add_bos_token: conventions.addBosToken,
    add_eos_token: false,
    added_tokens_decoder: Object.fromEntries(
      specials.map((token) => {
        const { id, ...rest } = addedToken(idOf(token), token);
        return [String(id), rest];
      }),
    ),
    additional_special_tokens: specials.filter((t) => !Object.values(named).includes(t)),
    ...named,
    chat_template: conventions.chatTemplate,
    clean_up_tokenization_spaces: false,
    model_max_length: 8192,
    tokenizer_class: conventions.tokenizerClass,
  };

  const specialTokensMap = Object.fromEntries(Object.entries(named).filter(([, v]) => v !== null));
  return { tokenizerJson, tokenizerConfig, specialTokensMap, vocabSize: tokens.length, idOf, conventions };
}
