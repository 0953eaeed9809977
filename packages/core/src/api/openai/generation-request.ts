/**
 * Validates POST /v1/chat/completions and /v1/completions bodies beyond their JSON schemas and turns them
 * into the generation service's request. Parameters Sluice does not implement are refused with a 400 that
 * names them (SLUICE_ERR_UNSUPPORTED_PARAMETER), never silently ignored; neutral values of them (n: 1,
 * logprobs: false, an empty logit_bias, a text response_format) are accepted.
 */
import { parseModelReference } from '../../auth/model-reference.js';
import type { ChatMessage } from '../../models/generation/generation-tokenizer.js';
import type { GenerationRequest } from '../../models/generation/generation-service.js';
import { OpenAiParamError } from './openai-errors.js';

type Body = Record<string, unknown>;

export interface OpenAiGenerationRequest {
  request: Omit<GenerationRequest, 'caller' | 'deadline' | 'signal'>;
  stream: boolean;
  includeUsage: boolean;
}

export const MAX_MESSAGES = 4096;
export const MAX_STOP_SEQUENCES = 4;

const COMMON = [
  'model',
  'max_tokens',
  'temperature',
  'top_p',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'stream',
  'stream_options',
  'n',
  'user',
  'logprobs',
  'logit_bias',
];
const CHAT = new Set([...COMMON, 'messages', 'max_completion_tokens', 'response_format', 'top_logprobs', 'store', 'parallel_tool_calls']);
const COMPLETIONS = new Set([...COMMON, 'prompt', 'echo', 'best_of']);

/** Values of supported-looking parameters that would change the answer in ways Sluice does not implement. */
function refuseUnsupported(body: Body, known: Set<string>): void {
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw new OpenAiParamError(key, `"${key}" is not supported by this server`, 'SLUICE_ERR_UNSUPPORTED_PARAMETER');
  }
  const refuse = (param: string, why: string) => {
    throw new OpenAiParamError(param, why, 'SLUICE_ERR_UNSUPPORTED_PARAMETER');
  };
  if (body.n !== undefined && body.n !== 1) refuse('n', '"n" must be 1: one choice per request');
  if (body.best_of !== undefined && body.best_of !== 1) refuse('best_of', '"best_of" must be 1');
  if (body.echo === true) refuse('echo', '"echo" is not supported');
  if (body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false)
    refuse('logprobs', 'log probabilities are not supported');
  if (body.top_logprobs !== undefined && body.top_logprobs !== null && body.top_logprobs !== 0)
    refuse('top_logprobs', 'log probabilities are not supported');
  if (body.logit_bias !== undefined && body.logit_bias !== null && Object.keys(body.logit_bias as object).length > 0)
    refuse('logit_bias', '"logit_bias" is not supported');
  if (body.store === true) refuse('store', 'stored completions are not supported');
  const format = body.response_format as { type?: string } | undefined | null;
  if (format && format.type !== 'text') refuse('response_format', 'only {"type": "text"} responses are supported');
}

function parseStop(stop: unknown): string[] {
  if (stop === undefined || stop === null) return [];
  const stops = typeof stop === 'string' ? [stop] : (stop as string[]);
  if (stops.length > MAX_STOP_SEQUENCES) throw new OpenAiParamError('stop', `"stop" may hold at most ${MAX_STOP_SEQUENCES} strings`);
  if (stops.some((s) => s.length === 0)) throw new OpenAiParamError('stop', '"stop" strings must not be empty');
  return stops;
}

/** A message's content: a string, or an array of text parts (joined); other part types are refused. */
function contentOf(content: unknown, index: number): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content))
    throw new OpenAiParamError('messages', `"messages[${index}].content" must be a string or an array of text parts`);
  return content
    .map((part: { type?: unknown; text?: unknown }, partIndex) => {
      if (part?.type !== 'text' || typeof part.text !== 'string') {
        throw new OpenAiParamError(
          'messages',
          `"messages[${index}].content[${partIndex}]" is not a text part; only text is supported`,
          'SLUICE_ERR_UNSUPPORTED_PARAMETER',
        );
      }
      return part.text;
    })
    .join('');
}

function parseMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw new OpenAiParamError('messages', '"messages" must be a non-empty array');
  if (messages.length > MAX_MESSAGES) throw new OpenAiParamError('messages', `"messages" may hold at most ${MAX_MESSAGES} messages`);
  return messages.map((message: Record<string, unknown>, index) => {
    if (typeof message !== 'object' || message === null || typeof message.role !== 'string')
      throw new OpenAiParamError('messages', `"messages[${index}]" needs a string "role"`);
    if (!['system', 'developer', 'user', 'assistant'].includes(message.role)) {
      throw new OpenAiParamError(
        'messages',
        `"messages[${index}].role" "${message.role}" is not supported (system, developer, user, assistant)`,
        'SLUICE_ERR_UNSUPPORTED_PARAMETER',
      );
    }
    if (message.tool_calls !== undefined || message.function_call !== undefined) {
      throw new OpenAiParamError(
        'messages',
        `"messages[${index}]" carries tool calls; tools are not supported`,
        'SLUICE_ERR_UNSUPPORTED_PARAMETER',
      );
    }
    // "developer" is OpenAI's newer name for "system"; chat templates know only "system".
    return { role: message.role === 'developer' ? 'system' : message.role, content: contentOf(message.content, index) };
  });
}

function common(
  body: Body,
  maxTokens: unknown,
): Omit<OpenAiGenerationRequest['request'], 'prompt'> & { stream: boolean; includeUsage: boolean } {
  const options = body.stream_options as { include_usage?: boolean } | undefined | null;
  if (options && body.stream !== true) throw new OpenAiParamError('stream_options', '"stream_options" is only allowed with "stream": true');
  for (const key of Object.keys(options ?? {})) {
    if (key !== 'include_usage')
      throw new OpenAiParamError('stream_options', `"stream_options.${key}" is not supported`, 'SLUICE_ERR_UNSUPPORTED_PARAMETER');
  }
  return {
    ...parseModelReference(body.model as string),
    maxTokens: (maxTokens ?? undefined) as number | undefined,
    temperature: (body.temperature ?? undefined) as number | undefined,
    topP: (body.top_p ?? undefined) as number | undefined,
    seed: (body.seed ?? undefined) as number | undefined,
    stop: parseStop(body.stop),
    presencePenalty: (body.presence_penalty ?? undefined) as number | undefined,
    frequencyPenalty: (body.frequency_penalty ?? undefined) as number | undefined,
    stream: body.stream === true,
    includeUsage: options?.include_usage === true,
  };
}

export function parseChatRequest(body: Body): OpenAiGenerationRequest {
  refuseUnsupported(body, CHAT);
  if (body.max_tokens != null && body.max_completion_tokens != null && body.max_tokens !== body.max_completion_tokens) {
    throw new OpenAiParamError('max_completion_tokens', 'give "max_completion_tokens" or "max_tokens", not two different values');
  }
  const { stream, includeUsage, ...rest } = common(body, body.max_completion_tokens ?? body.max_tokens);
  return { request: { ...rest, prompt: { kind: 'chat', messages: parseMessages(body.messages) } }, stream, includeUsage };
}

export function parseCompletionRequest(body: Body): OpenAiGenerationRequest {
  refuseUnsupported(body, COMPLETIONS);
  let prompt = body.prompt;
  if (Array.isArray(prompt)) {
    if (prompt.length !== 1 || typeof prompt[0] !== 'string')
      throw new OpenAiParamError(
        'prompt',
        '"prompt" must be a string (or an array of exactly one string; token arrays are not supported)',
        'SLUICE_ERR_UNSUPPORTED_PARAMETER',
      );
    prompt = prompt[0];
  }
  if (typeof prompt !== 'string' || prompt.length === 0) throw new OpenAiParamError('prompt', '"prompt" must be a non-empty string');
  // OpenAI's default for /v1/completions is 16 tokens.
  const { stream, includeUsage, ...rest } = common(body, body.max_tokens ?? 16);
  return { request: { ...rest, prompt: { kind: 'text', text: prompt } }, stream, includeUsage };
}
