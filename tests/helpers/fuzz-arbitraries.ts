/**
 * fast-check generators of malformed and adversarial HTTP requests for tests/fuzz.test.ts: garbage and
 * mistyped JSON, huge numbers, deep nesting, odd headers and content types, unicode and path tricks, spread
 * over the V2, OpenAI, repository, statistics, console, session, admin and enterprise routes. Each case names the route it aims at.
 */
import fc from 'fast-check';

export interface FuzzCase {
  /** The route aimed at, as "METHOD /pattern" (what known failures and the report group by). */
  route: string;
  method: string;
  /** Sent as is (already percent-encoded where needed). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Which credentials to send: the fuzz admin key, none, or a broken Authorization header. */
  auth: 'admin' | 'none' | 'garbage';
}

/** The demo models the fuzz server serves (never unloaded or reloaded by the fuzz run), then names that are not. */
const SERVED_MODELS = ['sentiment', 'silero-vad', 'ocr-direction', 'ocr-detector', 'ocr', 'vad'];
const MODELS = [...SERVED_MODELS, 'no-such-model', 'broken-config', 'broken-onnx'];

/** Path segments that try traversal, encodings, control characters and odd lengths. */
const TRICKY_SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%252e%252e%252f',
  '..%5c..%5cwindows',
  '%00',
  'sentiment%00',
  'sentiment%2F..%2F..',
  '%ff%fe',
  '%c0%ae%c0%ae',
  '%',
  '%zz',
  '~',
  'CON',
  'nul',
  '..;',
  '%20',
  '+',
  'a'.repeat(101),
  'a'.repeat(129),
  'b'.repeat(5000),
  '%E2%80%AE',
  '%F0%9F%92%A9',
  'sentiment%3A1',
  'sentiment:1',
  '-1',
  '0',
  '99999999999999999999',
  '1e3',
  '0x10',
  'NaN',
  'latest',
  'default',
  '%7B%7D',
  '__proto__',
  'constructor',
  'prototype',
];

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...MODELS) },
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_SEGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => s.replace(/[^A-Za-z0-9._~-]/g, '')) },
);
const version = fc.oneof(fc.constantFrom('1', '2', '0', '-1', 'stable', 'default', '1.0', '%31'), segment);

const hugeNumbers = [
  '1e999999',
  '-1e999999',
  '123456789012345678901234567890',
  '-0',
  '1e-400',
  '9007199254740993',
  '0.0000000000000000000001',
  '18446744073709551616',
  '2147483648',
  '4294967296',
  '1.5',
];

/** Texts that are not the JSON a route wants, or are JSON built to hurt a parser. */
const garbageText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
  fc.json({ maxDepth: 3 }).map((s) => s.slice(0, Math.max(0, s.length - 1))), // truncated
  fc.integer({ min: 1, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 50_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 1, max: 100_000 }).map((n) => '['.repeat(n)),
  fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('input', 'text', 'x'), fc.constantFrom('FP32', 'BYTES', 'INT64'))
    .map(([n, name, type]) => `{"inputs":[{"name":"${name}","shape":[1],"datatype":"${type}","data":${'['.repeat(n)}1${']'.repeat(n)}}]}`),
  fc.constantFrom(...hugeNumbers),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '"string"',
    '[]',
    '{}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '\uFEFF{}',
    '{"a":1,"a":2}',
    'NaN',
    'Infinity',
    "{'single':1}",
    '{"a":"\\ud800"}',
    '\u0000',
  ),
);

const anyJsonValue = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      -1,
      0,
      1e308,
      -1e308,
      2 ** 53 + 2,
      2 ** 64,
      0.5,
      '',
      'x'.repeat(10_000),
      [],
      {},
      [[[[[]]]]],
      '\u0000',
      '\u202e',
      '💩',
    ),
  },
);

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value) ?? 'null');
}

const datatype = fc.oneof(
  fc.constantFrom('BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'),
  fc.constantFrom('fp32', 'FLOAT', 'STRING', 'BF16', ''),
  anyJsonValue,
);
const shape = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
  fc.array(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, 2 ** 53, -1, 1e300)), { maxLength: 6 }),
  fc.integer({ min: 33, max: 3000 }).map((n) => Array.from({ length: n }, () => 1)),
  anyJsonValue,
);
const tensorData = fc.oneof(
  fc.array(fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 8 })), { maxLength: 12 }),
  fc.array(fc.array(fc.double({ noNaN: true }), { maxLength: 4 }), { maxLength: 4 }),
  fc.integer({ min: 1, max: 50 }).map((n) => Array.from({ length: n }, () => 'good')),
  anyJsonValue,
);
const tensor = fc.record(
  {
    name: fc.oneof(fc.constantFrom('text', 'input', 'state', 'sr', 'x', ''), anyJsonValue),
    datatype,
    shape,
    data: tensorData,
    parameters: fc.oneof(fc.constant(undefined), fc.record({ binary_data_size: fc.oneof(fc.nat(64), anyJsonValue) }), anyJsonValue),
  },
  { requiredKeys: [] },
);
const outputs = fc.oneof(
  fc.constant(undefined),
  fc.array(
    fc.record(
      {
        name: fc.oneof(fc.constantFrom('label', 'score', 'probabilities', 'output', 'stateN', 'nope'), anyJsonValue),
        parameters: fc.oneof(fc.constant(undefined), fc.record({ binary_data: anyJsonValue })),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 4 },
  ),
  anyJsonValue,
);
const inferBody = fc.record(
  {
    id: fc.oneof(fc.constant(undefined), fc.string(), anyJsonValue),
    inputs: fc.oneof(fc.array(tensor, { maxLength: 4 }), anyJsonValue),
    outputs,
    parameters: fc.oneof(fc.constant(undefined), fc.record({ binary_data_output: anyJsonValue }), anyJsonValue),
  },
  { requiredKeys: [] },
);

/** Near-valid inference on the demo models: right names and shapes, adversarial values, so ONNX Runtime runs. */
const nearValidInfer: fc.Arbitrary<{ model: string; body: unknown }> = fc.oneof(
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 50 }),
        fc.constantFrom('', ' ', '\u0000', 'good '.repeat(2000), '💩'.repeat(300), '[CLS] [SEP] [PAD] [UNK]'),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((texts) => ({ model: 'sentiment', body: { inputs: [{ name: 'text', shape: [texts.length], datatype: 'BYTES', data: texts }] } })),
  fc
    .record({
      batch: fc.integer({ min: 0, max: 3 }),
      samples: fc.constantFrom(0, 1, 64, 256, 512, 576, 1000),
      value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, 1e38, -1e38, 3.4e38, 1e-45)),
      sr: fc.oneof(fc.constantFrom(16000, 8000, 0, -1, 1, 44100), fc.integer()),
    })
    .map(({ batch, samples, value, sr }) => ({
      model: 'silero-vad',
      body: {
        inputs: [
          { name: 'input', shape: [batch, samples], datatype: 'FP32', data: Array.from({ length: batch * samples }, () => value) },
          { name: 'state', shape: [2, batch, 128], datatype: 'FP32', data: Array.from({ length: 2 * batch * 128 }, () => value) },
          { name: 'sr', shape: [], datatype: 'INT64', data: [sr] },
        ],
      },
    })),
  fc
    .record({ h: fc.constantFrom(1, 2, 48), w: fc.constantFrom(1, 3, 192), value: fc.double({ noNaN: true, noDefaultInfinity: true }) })
    .map(({ h, w, value }) => ({
      model: 'ocr-direction',
      body: { inputs: [{ name: 'x', shape: [1, 3, h, w], datatype: 'FP32', data: Array.from({ length: 3 * h * w }, () => value) }] },
    })),
);

/** A body for a route that wants JSON: mostly garbage, sometimes a mistyped version of what it wants. */
function bodyFor(structured: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 2, arbitrary: garbageText.map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
    { weight: 1, arbitrary: anyJsonValue.map(json) },
    { weight: 4, arbitrary: structured.map(json) },
  );
}

/** The binary tensor data extension with lying lengths and random tails. */
const binaryInfer = fc
  .record({
    header: inferBody.map(json),
    tail: fc.uint8Array({ maxLength: 64 }),
    declared: fc.oneof(
      fc.constant('exact'),
      fc.nat(400).map(String),
      fc.constantFrom('-1', '0x10', '1e2', ' 5', '5 ', '+5', '', 'abc', '99999999999999999999', '1.0', '٣'),
    ),
  })
  .map(({ header, tail, declared }) => ({
    body: Buffer.concat([header, tail]),
    headerLength: declared === 'exact' ? String(header.byteLength) : declared,
  }));

const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-16',
      'text/plain',
      'application/octet-stream',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'application/json; charset=""',
      'application/jsonx',
      ';;;',
      'application/json, text/plain',
      '*/*',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
);

/** Extra headers: odd but sendable (Node refuses control characters client-side, so those go raw). */
const oddHeaders = fc.dictionary(
  fc.constantFrom(
    'accept',
    'accept-encoding',
    'content-encoding',
    'x-request-id',
    'x-forwarded-for',
    'origin',
    'sec-fetch-site',
    'range',
    'if-none-match',
    'x-sluice-version',
    'inference-header-content-length',
    'cookie',
  ),
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    fc.constantFrom(
      'gzip',
      'br',
      'deflate',
      '*/*',
      'application/octet-stream',
      'bytes=0-1',
      'x'.repeat(4000),
      '100-continue',
      'null',
      'http://evil.example',
      'same-origin',
      `sluice_session=${'A'.repeat(43)}`,
      'sluice_session=x; sluice_session=y',
      'sluice_session=',
      '"*"',
    ),
  ),
  { maxKeys: 3 },
);

const auth = fc.constantFrom<'admin' | 'none' | 'garbage'>(
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'admin',
  'none',
  'garbage',
);

interface RouteSpec {
  route: string;
  method: string;
  path: fc.Arbitrary<string>;
  body?: fc.Arbitrary<Buffer>;
}

const query = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom(
        'from',
        'to',
        'actor',
        'action',
        'resource_type',
        'resource_id',
        'outcome',
        'limit',
        'cursor',
        'order',
        'format',
        'granularity',
        'group_by',
        'key',
        'ready',
      ),
      fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          ...hugeNumbers,
          'csv',
          'jsonl',
          'xml',
          'asc',
          'desc',
          'minute',
          'hour',
          'day',
          'month',
          'none',
          'key,model',
          '2026-01-01',
          'not-a-date',
          '-1',
          '0',
          '1e309',
          '\u0000',
        ),
      ),
    )
    .map((q) => `?${new URLSearchParams(q).toString()}`),
  fc.constantFrom('?limit=1&limit=2', '?from[]=1', '?%zz=1', '?a=%', '?cursor=' + 'A'.repeat(3000), '?__proto__[x]=1'),
);

const modelPath = (suffix: string) => segment.map((m) => `/v2/models/${m}${suffix}`);
const versionPath = (suffix: string) => fc.tuple(segment, version).map(([m, v]) => `/v2/models/${m}/versions/${v}${suffix}`);

const ROUTES: RouteSpec[] = [
  // Open Inference Protocol.
  { route: 'POST /v2/models/:model/infer', method: 'POST', path: modelPath('/infer'), body: bodyFor(inferBody) },
  { route: 'POST /v2/models/:model/versions/:version/infer', method: 'POST', path: versionPath('/infer'), body: bodyFor(inferBody) },
  { route: 'GET /v2/models/:model', method: 'GET', path: modelPath('') },
  { route: 'GET /v2/models/:model/ready', method: 'GET', path: modelPath('/ready') },
  { route: 'GET /v2/models/:model/versions/:version', method: 'GET', path: versionPath('') },
  { route: 'GET /v2/models/:model/versions/:version/ready', method: 'GET', path: versionPath('/ready') },
  {
    route: 'GET /v2',
    method: 'GET',
    path: fc.constantFrom('/v2', '/v2/', '/v2?x=1', '//v2', '/V2', '/v2/health/live', '/v2/health/ready', '/v2/health/ready?strict=1'),
  },
  // OpenAI-compatible.
  {
    route: 'POST /v1/embeddings',
    method: 'POST',
    path: fc.constant('/v1/embeddings'),
    body: bodyFor(
      fc.record(
        {
          model: fc.oneof(fc.constantFrom('sentiment', 'nope', 'sentiment:1', ''), anyJsonValue),
          input: fc.oneof(fc.string(), fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }), anyJsonValue),
          encoding_format: fc.oneof(fc.constantFrom('float', 'base64', 'hex'), anyJsonValue),
          dimensions: anyJsonValue,
          user: anyJsonValue,
        },
        { requiredKeys: [] },
      ),
    ),
  },
  {
    route: 'GET /v1/models',
    method: 'GET',
    path: fc.oneof(
      fc.constant('/v1/models'),
      segment.map((m) => `/v1/models/${m}`),
    ),
  },
  // Model repository extension.
  {
    route: 'POST /v2/repository/index',
    method: 'POST',
    path: fc.constant('/v2/repository/index'),
    body: bodyFor(fc.record({ ready: anyJsonValue }, { requiredKeys: [] })),
  },
  {
    route: 'POST /v2/repository/models/:model/load',
    method: 'POST',
    // Real models only with configs that are wrong: loading with absurd resources is another test's subject.
    path: segment.filter((m) => !SERVED_MODELS.includes(m)).map((m) => `/v2/repository/models/${m}/load`),
    body: bodyFor(
      fc.record(
        {
          parameters: fc.record(
            { config: fc.oneof(fc.string({ maxLength: 50 }), anyJsonValue, fc.constant('{"task": 5}')) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  {
    route: 'POST /v2/repository/models/:model/unload',
    method: 'POST',
    path: segment.filter((m) => !SERVED_MODELS.includes(m)).map((m) => `/v2/repository/models/${m}/unload`),
  },
  { route: 'GET /v2/repository/models/:model/aliases', method: 'GET', path: segment.map((m) => `/v2/repository/models/${m}/aliases`) },
  {
    route: 'PUT /v2/repository/models/:model/aliases/:alias',
    method: 'PUT',
    path: fc.tuple(segment, segment).map(([m, a]) => `/v2/repository/models/${m}/aliases/${a}`),
    body: bodyFor(fc.record({ version: anyJsonValue }, { requiredKeys: [] })),
  },
  {
    route: 'DELETE /v2/repository/models/:model/aliases/:alias',
    method: 'DELETE',
    path: fc.tuple(segment, segment).map(([m, a]) => `/v2/repository/models/${m}/aliases/${a}`),
  },
  { route: 'GET /v2/repository/models/:model/traffic', method: 'GET', path: segment.map((m) => `/v2/repository/models/${m}/traffic`) },
  {
    route: 'PUT /v2/repository/models/:model/traffic',
    method: 'PUT',
    path: segment.map((m) => `/v2/repository/models/${m}/traffic`),
    body: bodyFor(
      fc.record(
        {
          versions: fc.oneof(
            fc.array(
              fc.record(
                {
                  version: fc.oneof(fc.constantFrom(1, 2, 0, -1, 2 ** 53), anyJsonValue),
                  weight: fc.oneof(fc.constantFrom(0, 1, 100, 1e308, -1), anyJsonValue),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 4 },
            ),
            fc.integer({ min: 1000, max: 5000 }).map((n) => Array.from({ length: n }, () => ({ version: 1, weight: 1 }))),
            anyJsonValue,
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  {
    route: 'DELETE /v2/repository/models/:model/traffic',
    method: 'DELETE',
    path: segment.map((m) => `/v2/repository/models/${m}/traffic`),
  },
  // Statistics extension and the console's traffic series.
  {
    route: 'GET /v2/models/:model/stats',
    method: 'GET',
    path: fc.oneof(fc.constant('/v2/models/stats'), modelPath('/stats'), versionPath('/stats')),
  },
  {
    route: 'GET /stats/series',
    method: 'GET',
    path: fc
      .oneof(
        query,
        fc.constantFrom(
          '?minutes=1',
          '?minutes=30',
          '?minutes=0',
          '?minutes=31',
          '?minutes=1e3',
          '?minutes=-1',
          '?minutes=1.5',
          '?minutes=%00',
          '?minutes=15&minutes=2',
          `?minutes=${'9'.repeat(400)}`,
          '?minutes[]=1',
        ),
      )
      .map((q) => `/stats/series${q}`),
  },
  // The web console (its files, manifest and plugin pages) and console sessions.
  {
    route: 'GET /console/*',
    method: 'GET',
    path: fc.oneof(
      fc.constantFrom('/', '/console', '/console/', '/console/manifest.json', '/console/index.html', '/console/assets/', '/console/ext/'),
      segment.map((s) => `/console/${s}`),
      fc
        .tuple(fc.constantFrom('assets', 'ext/hello', 'ext', 'models', 'keys'), segment, segment)
        .map(([a, b, c]) => `/console/${a}/${b}/${c}`),
    ),
  },
  {
    route: 'POST /auth/session',
    method: 'POST',
    path: fc.constant('/auth/session'),
    body: bodyFor(
      fc.record(
        {
          apiKey: fc.oneof(
            fc.constantFrom(`sk_sluice_000000000000_${'A'.repeat(43)}`, 'sk_sluice_', '', 'x'.repeat(600), 'Bearer sk_sluice_x'),
            anyJsonValue,
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { route: 'GET /auth/session', method: 'GET', path: fc.constantFrom('/auth/session', '/auth/session?x=1', '/auth/session/') },
  { route: 'DELETE /auth/session', method: 'DELETE', path: fc.constant('/auth/session') },
  // API key administration.
  { route: 'GET /admin/keys', method: 'GET', path: query.map((q) => `/admin/keys${q}`) },
  {
    route: 'POST /admin/keys',
    method: 'POST',
    path: fc.constant('/admin/keys'),
    body: bodyFor(
      fc.record(
        {
          name: anyJsonValue,
          scopes: fc.oneof(
            fc.array(fc.constantFrom('infer', 'admin', 'models:read', 'models:write', 'metrics:read', 'root', ''), { maxLength: 3 }),
            anyJsonValue,
          ),
          models: anyJsonValue,
          expires: fc.oneof(
            fc.constantFrom('30d', '0d', '-1d', '99999999999d', '1e9h', '2026-13-45', '9999-12-31T23:59:59Z'),
            anyJsonValue,
          ),
          rateLimit: fc.oneof(fc.record({ max: anyJsonValue, windowMs: anyJsonValue }), anyJsonValue),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { route: 'DELETE /admin/keys/:id', method: 'DELETE', path: segment.map((id) => `/admin/keys/${id}`) },
  // Enterprise.
  { route: 'GET /admin/license', method: 'GET', path: fc.constant('/admin/license') },
  {
    route: 'PUT /admin/license',
    method: 'PUT',
    path: fc.constant('/admin/license'),
    body: bodyFor(
      fc.record(
        {
          key: fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.constantFrom('eyJhbGciOiJFZERTQSJ9.e30.AAAA', 'a.b.c', '..', 'eyJhbGciOiJub25lIn0.eyJleHAiOjF9.'),
            anyJsonValue,
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { route: 'GET /admin/audit', method: 'GET', path: query.map((q) => `/admin/audit${q}`) },
  { route: 'GET /admin/audit/export', method: 'GET', path: query.map((q) => `/admin/audit/export${q}`) },
  { route: 'GET /admin/audit/verify', method: 'GET', path: query.map((q) => `/admin/audit/verify${q}`) },
  {
    route: 'POST /admin/audit/retention',
    method: 'POST',
    path: fc.constant('/admin/audit/retention'),
    body: bodyFor(
      fc.record({ olderThanDays: fc.oneof(fc.constantFrom(365000, 1e308, -1, 0.5, 2 ** 53), anyJsonValue) }, { requiredKeys: [] }),
    ),
  },
  { route: 'GET /admin/usage', method: 'GET', path: query.map((q) => `/admin/usage${q}`) },
  { route: 'GET /admin/usage/export', method: 'GET', path: query.map((q) => `/admin/usage/export${q}`) },
  {
    route: 'GET /admin/quotas',
    method: 'GET',
    path: fc.oneof(
      fc.constant('/admin/quotas'),
      segment.map((s) => `/admin/quotas/${s}`),
    ),
  },
  {
    route: 'PUT /admin/quotas/:subject',
    method: 'PUT',
    path: segment.map((s) => `/admin/quotas/${s}`),
    body: bodyFor(
      fc.dictionary(
        fc.constantFrom('requestsPerDay', 'requestsPerMonth', 'tokensPerDay', 'tokensPerMonth', '__proto__', 'other'),
        anyJsonValue,
        { maxKeys: 3 },
      ),
    ),
  },
  { route: 'DELETE /admin/quotas/:subject', method: 'DELETE', path: segment.map((s) => `/admin/quotas/${s}`) },
];

function caseFor(spec: RouteSpec): fc.Arbitrary<FuzzCase> {
  const body = spec.body ?? fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bodyFor(anyJsonValue) });
  return fc.record({ path: spec.path, body, contentType, extra: oddHeaders, auth }).map(({ path, body, contentType, extra, auth }) => ({
    route: spec.route,
    method: spec.method,
    path,
    headers: { ...(body !== undefined ? { 'content-type': contentType } : {}), ...extra },
    body,
    auth,
  }));
}

/** Binary-extension inference requests (the header length header and the bytes after the JSON). */
const binaryCase: fc.Arbitrary<FuzzCase> = fc
  .record({ path: fc.oneof(modelPath('/infer'), versionPath('/infer')), binary: binaryInfer, auth })
  .map(({ path, binary, auth }) => ({
    route: 'POST /v2/models/:model/infer (binary)',
    method: 'POST',
    path,
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': binary.headerLength },
    body: binary.body,
    auth,
  }));

const nearValidCase: fc.Arbitrary<FuzzCase> = nearValidInfer.map(({ model, body }) => ({
  route: 'POST /v2/models/:model/infer (near-valid)',
  method: 'POST',
  path: `/v2/models/${model}/infer`,
  headers: { 'content-type': 'application/json' },
  body: json(body),
  auth: 'admin',
}));

/** Files a form may carry: real image/audio magic bytes with garbage after them, truncations, text, nothing. */
const formFile = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc
    .constantFrom('\x89PNG\r\n\x1a\n', '\xff\xd8\xff\xe0', 'RIFF\x24\x00\x00\x00WAVEfmt ', 'RIFF\x00\x00\x00\x00WEBPVP8 ', 'GIF89a')
    .chain((magic) => fc.uint8Array({ maxLength: 512 }).map((tail) => Buffer.concat([Buffer.from(magic, 'latin1'), tail]))),
  fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
);

/** multipart/form-data uploads: mostly well framed (so the model sees odd files), sometimes broken framing. */
const multipartCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    path: fc.oneof(modelPath('/infer/multipart'), versionPath('/infer/multipart')),
    parts: fc.array(fc.tuple(fc.constantFrom('image', 'audio', 'text', 'input', '', 'x"y', 'a'.repeat(300)), formFile), { maxLength: 4 }),
    boundary: fc.constantFrom('b0undary', 'x', '--', 'a'.repeat(70), 'a'.repeat(71)),
    framing: fc.constantFrom('good', 'good', 'good', 'no-close', 'no-crlf', 'wrong-boundary', 'no-disposition'),
    auth,
  })
  .map(({ path, parts, boundary, framing, auth }) => {
    const delimiter = framing === 'wrong-boundary' ? `--other` : `--${boundary}`;
    const chunks = parts.map(([name, bytes]) =>
      Buffer.concat([
        Buffer.from(`${delimiter}${framing === 'no-crlf' ? '' : '\r\n'}`),
        Buffer.from(
          framing === 'no-disposition'
            ? 'Content-Type: image/png\r\n\r\n'
            : `Content-Disposition: form-data; name="${name}"; filename="f"\r\n\r\n`,
        ),
        Buffer.from(bytes),
        Buffer.from('\r\n'),
      ]),
    );
    const close = framing === 'no-close' ? '' : `${delimiter}--\r\n`;
    return {
      route: 'POST /v2/models/:model/infer/multipart',
      method: 'POST',
      path,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([...chunks, Buffer.from(close)]),
      auth,
    };
  });

/** Every route gets an even share; the binary extension and near-valid inference get two each. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  ...ROUTES.map(caseFor),
  binaryCase,
  binaryCase,
  nearValidCase,
  nearValidCase,
  multipartCase,
  multipartCase,
);

export const FUZZ_ROUTES = [
  ...ROUTES.map((r) => r.route),
  'POST /v2/models/:model/infer (binary)',
  'POST /v2/models/:model/infer (near-valid)',
  'POST /v2/models/:model/infer/multipart',
];

/** Raw HTTP/1.1 requests Node's client would refuse to send: broken request lines, control characters, folding. */
export const rawRequest: fc.Arbitrary<{ route: string; bytes: Buffer }> = fc.oneof(
  fc
    .constantFrom(
      'GET /v2/models/../../etc/passwd HTTP/1.1',
      'GET /v2/models/%2e%2e/%2e%2e/etc/passwd HTTP/1.1',
      'GET //etc/passwd HTTP/1.1',
      'GET /\\..\\..\\etc\\passwd HTTP/1.1',
      'GET http://evil.example/v2 HTTP/1.1',
      'GET * HTTP/1.1',
      'OPTIONS * HTTP/1.1',
      'GET /v2 HTTP/9.9',
      'GET /v2 HTTP/1.1 extra',
      'BREW /v2 HTTP/1.1',
      'GET /v2/models/sentiment\u0000 HTTP/1.1',
      'GET /%ff%fe%fd HTTP/1.1',
      'GET /docs/../../../../etc/passwd HTTP/1.1',
      'GET /docs/%2e%2e/%2e%2e/%2e%2e/package.json HTTP/1.1',
      'GET /docs/static/..%2f..%2fpackage.json HTTP/1.1',
      'GET /console/assets/../../../package.json HTTP/1.1',
      'GET /console/assets/..\\..\\package.json HTTP/1.1',
      'GET /console/ext/hello/..%2f..%2findex.ts HTTP/1.1',
      'GET /' + 'a'.repeat(70_000) + ' HTTP/1.1',
      'TRACE /v2 HTTP/1.1',
    )
    .map((line) => ({
      route: 'raw request line',
      bytes: Buffer.from(`${line}\r\nHost: localhost\r\nConnection: close\r\n\r\n`, 'latin1'),
    })),
  fc
    .record({
      name: fc.constantFrom(
        'Authorization',
        'Content-Type',
        'Inference-Header-Content-Length',
        'X-Request-Id',
        'Host',
        'Content-Length',
        'Transfer-Encoding',
      ),
      value: fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, '')),
        fc.constantFrom(
          'Bearer \u0001\u0002',
          'x'.repeat(20_000),
          'a\u0000b',
          '-5',
          'chunked, chunked',
          'identity',
          '1, 2',
          '  ',
          '\u00ff\u00fe',
        ),
      ),
      path: fc.constantFrom('/v2/models/sentiment/infer', '/v1/embeddings', '/admin/keys', '/v2/repository/index', '/admin/license'),
    })
    .map(({ name, value, path }) => ({
      route: `raw header ${name}`,
      bytes: Buffer.from(
        `POST ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${name}: ${value}\r\n${name === 'Content-Length' || name === 'Transfer-Encoding' ? '' : 'Content-Length: 2\r\n'}\r\n{}`,
        'latin1',
      ),
    })),
  fc
    .constantFrom(
      'POST /v2/repository/index HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'POST /v2/repository/index HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 2\r\n folded: yes\r\n\r\n{}',
      'POST /v2/repository/index HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
      'POST /v2/repository/index HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'GET /v2 HTTP/1.1\r\nConnection: close\r\n\r\n',
      'GET /v2 HTTP/1.1\nHost: localhost\nConnection: close\n\n',
      '\r\n\r\n',
      'G',
    )
    .map((text) => ({ route: 'raw framing', bytes: Buffer.from(text, 'latin1') })),
);
