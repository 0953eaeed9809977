/**
 * The tokenizer side of generation, on the main thread: the model's chat template (tokenizer_config.json's
 * `chat_template`, rendered by @huggingface/jinja), prompt encoding and decoding for streaming. Prompts are
 * short next to the work they start, so encoding them here costs little.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

export interface ChatMessage {
  role: string;
  content: string;
}

export interface GenerationTokenizer {
  /** Renders the chat template with the generation prompt appended, then encodes it. */
  encodeChat(messages: ChatMessage[]): number[];
  /** Encodes a plain prompt (with the tokenizer's own special tokens, e.g. a BOS). */
  encodePrompt(prompt: string): number[];
  decode(tokens: number[]): string;
  readonly hasChatTemplate: boolean;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A special token as tokenizer_config.json writes it: a string or {"content": ...}. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string')
    return (value as { content: string }).content;
  return undefined;
}

/** The default template: a string, or the one named "default" in a list of named templates. */
function chatTemplateOf(config: Record<string, unknown>): string | undefined {
  const template = config.chat_template;
  if (typeof template === 'string') return template;
  if (Array.isArray(template)) {
    const named = template as { name?: string; template?: string }[];
    return (named.find((t) => t.name === 'default') ?? named[0])?.template;
  }
  return undefined;
}

export async function loadGenerationTokenizer(directory: string): Promise<GenerationTokenizer> {
  const tokenizerJson = await readJson(path.join(directory, 'tokenizer.json'));
  if (!tokenizerJson) throw new Error('the version directory has no tokenizer.json');
  const config = (await readJson(path.join(directory, 'tokenizer_config.json'))) ?? {};
  const tokenizer = new Tokenizer(tokenizerJson, config);
  const source = chatTemplateOf(config);
  const template = source === undefined ? undefined : new Template(source);
  const specials = {
    bos_token: tokenText(config.bos_token) ?? '',
    eos_token: tokenText(config.eos_token) ?? '',
    pad_token: tokenText(config.pad_token) ?? '',
    unk_token: tokenText(config.unk_token) ?? '',
  };

  return {
    hasChatTemplate: template !== undefined,
    encodeChat(messages) {
      if (!template) throw new Error('the model has no chat_template in its tokenizer_config.json');
      const text = template.render({ ...specials, messages, add_generation_prompt: true });
      // The template writes the special tokens itself (as transformers' apply_chat_template assumes).
      return tokenizer.encode(text, { add_special_tokens: false }).ids;
    },
    encodePrompt(prompt) {
      return tokenizer.encode(prompt).ids;
    },
    decode(tokens) {
      return tokens.length === 0 ? '' : tokenizer.decode(tokens, { skip_special_tokens: true });
    },
  };
}
