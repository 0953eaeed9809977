/**
 * Examples for the docs page's "Try it out" that work on the demo repository (demo/models): path parameters
 * by name and request bodies by operation. tests/openapi-document.test.ts sends every one to a real server.
 */

/** Example values of path parameters, by parameter name. */
export const PATH_PARAMETER_EXAMPLES: Record<string, string> = {
  model: 'sentiment',
  version: '1',
  alias: 'stable',
};

const sentimentInfer = {
  inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: ['I love this', 'this is terrible'] }],
  outputs: [{ name: 'label' }, { name: 'score' }],
};

/** Example request bodies, by "METHOD /openapi/path". */
export const REQUEST_BODY_EXAMPLES: Record<string, unknown> = {
  'POST /v2/models/{model}/infer': sentimentInfer,
  'POST /v2/models/{model}/versions/{version}/infer': sentimentInfer,
  'POST /v2/repository/index': { ready: true },
  'POST /v2/repository/models/{model}/load': {},
  'PUT /v2/repository/models/{model}/aliases/{alias}': { version: 1 },
  'PUT /v2/repository/models/{model}/traffic': { versions: [{ version: 1, weight: 100 }] },
  'POST /admin/keys': { name: 'docs-example', scopes: ['infer'], models: ['sentiment'], expires: '30d' },
};

/**
 * No examples (that would fail) for routes of a task the demo repository has no model of (text generation),
 * nor for the multipart upload route, whose file a JSON example cannot carry.
 */
const WITHOUT_EXAMPLE = /\/generate(?:_stream)?$|\/infer\/multipart$/;

type Parameter = { in?: string; name?: string; example?: unknown };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { example?: unknown }> } };

export function documentExamples(paths: Record<string, Record<string, Operation>>): void {
  for (const [path, operations] of Object.entries(paths)) {
    if (WITHOUT_EXAMPLE.test(path)) continue;
    for (const [method, operation] of Object.entries(operations)) {
      for (const parameter of operation.parameters ?? []) {
        const example = parameter.in === 'path' ? PATH_PARAMETER_EXAMPLES[parameter.name ?? ''] : undefined;
        if (example !== undefined) parameter.example = example;
      }
      const body = REQUEST_BODY_EXAMPLES[`${method.toUpperCase()} ${path}`];
      const json = operation.requestBody?.content?.['application/json'];
      if (body !== undefined && json) json.example = body;
    }
  }
}
