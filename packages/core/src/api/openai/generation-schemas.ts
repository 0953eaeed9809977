/** JSON schemas of /v1/chat/completions and /v1/completions, for validation and /openapi.json. */
const samplingProperties = {
  model: { type: 'string', minLength: 1, description: 'A text-generation model, optionally "name:version"' },
  max_tokens: {
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: "New tokens at most; the prompt plus them must fit the model's context",
  },
  temperature: {
    type: 'number',
    minimum: 0,
    maximum: 2,
    nullable: true,
    description: '0 is greedy; default from generation_config.json (greedy unless it samples)',
  },
  top_p: { type: 'number', minimum: 0, maximum: 1, nullable: true },
  seed: { type: 'integer', minimum: 0, maximum: 4294967295, nullable: true, description: 'The same seed and request give the same tokens' },
  stop: {
    anyOf: [{ type: 'string' }, { type: 'array', maxItems: 4, items: { type: 'string' } }, { type: 'null' }],
    description: 'Up to 4 strings; the text ends before the first one',
  },
  presence_penalty: { type: 'number', minimum: -2, maximum: 2, nullable: true },
  frequency_penalty: { type: 'number', minimum: -2, maximum: 2, nullable: true },
  stream: { type: 'boolean', nullable: true, description: 'Server-sent events: data: chunks, then data: [DONE]' },
  stream_options: { type: 'object', nullable: true, properties: { include_usage: { type: 'boolean' } } },
  n: { type: 'integer', nullable: true, description: 'Only 1' },
  user: { type: 'string', description: 'Accepted for compatibility; not stored' },
} as const;

export const chatCompletionsBodySchema = {
  type: 'object',
  required: ['model', 'messages'],
  description: 'Parameters not listed here (tools, logprobs, n > 1, ...) are refused with SLUICE_ERR_UNSUPPORTED_PARAMETER.',
  properties: {
    ...samplingProperties,
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant'] },
          content: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'object' } }, { type: 'null' }] },
          name: { type: 'string' },
        },
      },
    },
    max_completion_tokens: { type: 'integer', minimum: 1, nullable: true, description: 'Same as max_tokens' },
  },
} as const;

export const completionsBodySchema = {
  type: 'object',
  required: ['model', 'prompt'],
  description: 'Parameters not listed here (suffix, logprobs, best_of > 1, ...) are refused with SLUICE_ERR_UNSUPPORTED_PARAMETER.',
  properties: {
    ...samplingProperties,
    prompt: { anyOf: [{ type: 'string' }, { type: 'array', items: {} }], description: 'A string (or an array of one string)' },
    max_tokens: { type: 'integer', minimum: 1, nullable: true, description: 'New tokens at most (default 16, as OpenAI)' },
  },
} as const;

const usageSchema = {
  type: 'object',
  properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } },
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
} as const;

const finishReason = { type: 'string', enum: ['stop', 'length'] } as const;

export const chatCompletionResponseSchema = {
  type: 'object',
  description: 'With "stream": true the answer is text/event-stream: chat.completion.chunk objects as data: events, then data: [DONE].',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          message: {
            type: 'object',
            properties: { role: { type: 'string', enum: ['assistant'] }, content: { type: 'string' } },
            required: ['role', 'content'],
          },
          logprobs: { type: 'null' },
          finish_reason: finishReason,
        },
        required: ['index', 'message', 'finish_reason'],
      },
    },
    usage: usageSchema,
  },
  required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
} as const;

export const completionResponseSchema = {
  type: 'object',
  description: 'With "stream": true the answer is text/event-stream: text_completion objects as data: events, then data: [DONE].',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['text_completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: { text: { type: 'string' }, index: { type: 'integer' }, logprobs: { type: 'null' }, finish_reason: finishReason },
        required: ['text', 'index', 'finish_reason'],
      },
    },
    usage: usageSchema,
  },
  required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
} as const;
