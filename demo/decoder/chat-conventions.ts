/**
 * Each family's special tokens and chat template, as their instruct checkpoints ship them
 * (templates written here in the same formats: ChatML for SmolLM2 and Qwen, Phi-3's
 * <|user|>/<|end|> turns, Gemma's <start_of_turn> turns).
 */
import type { DecoderFamily } from './families.js';

export interface ChatConventions {
  /** Special tokens placed before the byte tokens (ids 0..n-1), as SmolLM2 and Gemma do. */
  specialsFirst: string[];
  /** Special tokens placed after every other token, as Qwen and Phi-3 do. */
  specialsLast: string[];
  bos: string | null;
  eos: string;
  pad: string;
  unk: string | null;
  /** Whether encoding adds the BOS token in front (Gemma). */
  addBosToken: boolean;
  /** Every token that ends a turn: generation_config.json's eos_token_id list. */
  stopTokens: string[];
  tokenizerClass: string;
  chatTemplate: string;
}

const CHATML_TEMPLATE =
  '{%- for message in messages %}' +
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  '{%- endfor %}' +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/** Qwen's ChatML opens with a default system turn when the conversation has none. */
const QWEN_TEMPLATE =
  "{%- if messages[0]['role'] != 'system' %}" +
  "{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}" +
  '{%- endif %}' +
  CHATML_TEMPLATE;

const PHI3_TEMPLATE =
  '{%- for message in messages %}' +
  "{%- if message['role'] in ['system', 'user', 'assistant'] %}" +
  "{{- '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}" +
  '{%- endif %}' +
  '{%- endfor %}' +
  "{%- if add_generation_prompt %}{{- '<|assistant|>\\n' }}{%- else %}{{- eos_token }}{%- endif %}";

/** Gemma has no system role and calls the assistant "model". */
const GEMMA_TEMPLATE =
  '{{- bos_token }}' +
  '{%- for message in messages %}' +
  "{%- if message['role'] == 'system' %}{{- raise_exception('System role not supported') }}{%- endif %}" +
  "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] %}" +
  "{{- '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}" +
  '{%- endfor %}' +
  "{%- if add_generation_prompt %}{{- '<start_of_turn>model\\n' }}{%- endif %}";

const CHATML_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];

export const CHAT_CONVENTIONS: Record<DecoderFamily, ChatConventions> = {
  // SmolLM2-Instruct: ChatML, special tokens at ids 0-2.
  llama: {
    specialsFirst: CHATML_TOKENS,
    specialsLast: [],
    bos: '<|im_start|>',
    eos: '<|im_end|>',
    pad: '<|im_end|>',
    unk: '<|endoftext|>',
    addBosToken: false,
    stopTokens: ['<|im_end|>'],
    tokenizerClass: 'GPT2Tokenizer',
    chatTemplate: CHATML_TEMPLATE,
  },
  qwen2: {
    specialsFirst: [],
    specialsLast: CHATML_TOKENS,
    bos: null,
    eos: '<|im_end|>',
    pad: '<|endoftext|>',
    unk: null,
    addBosToken: false,
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    tokenizerClass: 'Qwen2Tokenizer',
    chatTemplate: QWEN_TEMPLATE,
  },
  qwen3: {
    specialsFirst: [],
    specialsLast: CHATML_TOKENS,
    bos: null,
    eos: '<|im_end|>',
    pad: '<|endoftext|>',
    unk: null,
    addBosToken: false,
    stopTokens: ['<|im_end|>', '<|endoftext|>'],
    tokenizerClass: 'Qwen2Tokenizer',
    chatTemplate: CHATML_TEMPLATE,
  },
  phi3: {
    specialsFirst: ['<unk>', '<s>', '</s>'],
    specialsLast: ['<|endoftext|>', '<|assistant|>', '<|system|>', '<|end|>', '<|user|>'],
    bos: '<s>',
    eos: '<|end|>',
    pad: '<|endoftext|>',
    unk: '<unk>',
    addBosToken: false,
    stopTokens: ['<|endoftext|>', '<|end|>'],
    tokenizerClass: 'LlamaTokenizer',
    chatTemplate: PHI3_TEMPLATE,
  },
  gemma: {
    specialsFirst: ['<pad>', '<eos>', '<bos>', '<unk>', '<start_of_turn>', '<end_of_turn>'],
    specialsLast: [],
    bos: '<bos>',
    eos: '<eos>',
    pad: '<pad>',
    unk: '<unk>',
    addBosToken: true,
    stopTokens: ['<eos>', '<end_of_turn>'],
    tokenizerClass: 'GemmaTokenizer',
    chatTemplate: GEMMA_TEMPLATE,
  },
};
