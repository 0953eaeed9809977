/** Validates a POST /v1/embeddings body beyond its JSON schema, with OpenAI-style `param` names. */
import { parseModelReference } from '../../auth/model-reference.js';
import { OpenAiParamError } from './openai-errors.js';

export interface EmbeddingsRequest {
  texts: string[];
  model: string;
  /** A version number or alias from "model:version"; undefined routes to the default version. */
  version?: string;
  encodingFormat: 'float' | 'base64';
  dimensions?: number;
}

/** OpenAI's own limit on inputs per request. */
export const MAX_INPUTS = 2048;

function parseTexts(input: unknown): string[] {
  if (typeof input === 'string') {
    if (input.length === 0) throw new OpenAiParamError('input', '"input" must not be an empty string');
    return [input];
  }
  if (!Array.isArray(input)) throw new OpenAiParamError('input', '"input" must be a string or an array of strings');
  if (input.length === 0) throw new OpenAiParamError('input', '"input" must not be an empty array');
  if (input.length > MAX_INPUTS) throw new OpenAiParamError('input', `"input" may hold at most ${MAX_INPUTS} strings, got ${input.length}`);
  if (input.some((item) => typeof item === 'number' || Array.isArray(item))) {
    throw new OpenAiParamError(
      'input',
      "token arrays are not supported: send the text as strings and the server tokenizes it with the model's own tokenizer",
    );
  }
  input.forEach((item, index) => {
    if (typeof item !== 'string') throw new OpenAiParamError('input', `"input[${index}]" must be a string`);
    if (item.length === 0) throw new OpenAiParamError('input', `"input[${index}]" must not be an empty string`);
  });
  return input as string[];
}

export function parseEmbeddingsRequest(body: {
  input?: unknown;
  model: string;
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
}): EmbeddingsRequest {
  return {
    texts: parseTexts(body.input),
    ...parseModelReference(body.model), // the same parser as the model allow-list check
    encodingFormat: body.encoding_format ?? 'float',
    dimensions: body.dimensions,
  };
}
