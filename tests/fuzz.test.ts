/**
 * A seeded fuzz run: thousands of generated malformed and adversarial requests (tests/helpers/fuzz-arbitraries.ts)
 * against a real server with the enterprise plugin loaded and licensed. Every answer must come within a time
 * bound, never be a 5xx or a reset connection, and never show internals (stack frames, absolute paths, file
 * contents). Reproduce a failure with FUZZ_SEED=<the printed seed>; change the volume with FUZZ_RUNS.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzCase, FUZZ_ROUTES, rawRequest, type FuzzCase } from './helpers/fuzz-arbitraries.js';
import { sendHttp, sendRaw, violationsOf, type FuzzAnswer } from './helpers/fuzz-client.js';
import { createTestVendor, DAY_MS, startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';
import { KNOWN_FUZZ_FAILURES, type KnownFailure } from './fuzz-known-failures.js';
import { identityModel, writeModel } from './helpers/identity-models.js';
import { copyDemoModels, getJson, postJson } from './helpers/test-server.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DEFAULT_SEED = 20_261_111;
const DEFAULT_RUNS = 2_200;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const HTTP_RUNS = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS);
const RAW_RUNS = Math.ceil(HTTP_RUNS / 15);
const CONCURRENCY = 6;
const ANSWER_WITHIN_MS = 10_000;
/** Bytes of the broken models' files: an answer that shows them leaks file contents. */
const BROKEN_CONFIG_BYTES = 'SECRETCONFIG-bytes-of-a-file';
const BROKEN_ONNX_BYTES = 'SECRETONNX-bytes-of-a-file';
/** Their first bytes are enough (a JSON parse error quotes about ten characters). */
const FILE_MARKERS = ['SECRETCO', 'SECRETON'];
const BROKEN_MODEL = /\/(?:v2\/models|v1\/models|v2\/repository\/models)\/broken-(?:config|onnx)(?:[/?]|$)/;

/** A model that failed to load is rightly unavailable (503, the catalogue's answer); its body is still checked. */
function isExpectedUnavailable(c: FuzzCase, violation: string): boolean {
  return BROKEN_MODEL.test(c.path) && /^status 503 SLUICE_ERR_MODEL_NOT_READY/.test(violation);
}

/** A plugin with console pages, so /console/ext/<id>/ is fuzzed against real files. */
const CONSOLE_PLUGIN = path.resolve(import.meta.dirname, 'fixtures', 'console-plugin', 'index.ts');

const GARBAGE_AUTHORIZATION = [
  'Bearer',
  'Bearer sk_sluice_',
  'Basic Zm9vOmJhcg==',
  'Bearer sk_sluice_xxxxxxxx_' + 'y'.repeat(500),
  'bearer  a b c',
  'Bearer ' + 'x'.repeat(9000),
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
];

interface Outcome {
  route: string;
  input: string;
  answer: FuzzAnswer;
  violations: string[];
}

function describeInput(c: FuzzCase): string {
  const body = c.body ? c.body.toString('utf8') : '';
  return `${c.method} ${c.path.slice(0, 150)} auth=${c.auth} headers=${JSON.stringify(c.headers).slice(0, 200)} body(${c.body?.byteLength ?? 0})=${JSON.stringify(body.slice(0, 200))}`;
}

async function inPool<T, R>(items: T[], size: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

function knownFailureOf(outcome: Outcome, violation: string): KnownFailure | undefined {
  return KNOWN_FUZZ_FAILURES.find(
    (k) =>
      (typeof k.route === 'string' ? k.route === outcome.route : k.route.test(outcome.route)) &&
      k.violation.test(violation) &&
      (k.input?.test(outcome.input) ?? true),
  );
}

describe(`fuzz (seed ${SEED})`, () => {
  let server: EnterpriseTestServer;
  let base: URL;
  let fuzzToken: string;
  let models: { dir: string; remove(): void };
  const consoleRoot = mkdtempSync(path.join(tmpdir(), 'sluice-fuzz-console-'));
  beforeAll(async () => {
    // A built console of its own (the real build may not exist in this checkout).
    mkdirSync(path.join(consoleRoot, 'dist', 'assets'), { recursive: true });
    writeFileSync(
      path.join(consoleRoot, 'dist', 'index.html'),
      '<!doctype html><script type="module" src="/console/assets/app-1.js"></script>\n',
    );
    writeFileSync(path.join(consoleRoot, 'dist', 'assets', 'app-1.js'), 'export {};\n');
    writeFileSync(path.join(consoleRoot, 'secret.txt'), BROKEN_CONFIG_BYTES);
    // The demo models plus two that cannot load, so failure answers are fuzzed for leaked paths and file bytes.
    models = copyDemoModels(['sentiment', 'silero-vad', 'ocr-direction', 'ocr-detector', 'ocr-recognizer', 'ocr', 'vad']);
    writeModel(models.dir, 'broken-config', 1, identityModel('float32'));
    writeFileSync(path.join(models.dir, 'broken-config', 'config.json'), `${BROKEN_CONFIG_BYTES} {"task": "raw"}`);
    writeModel(models.dir, 'broken-onnx', 1, Buffer.from(`${BROKEN_ONNX_BYTES} not a protobuf`));
    const vendor = await createTestVendor();
    const license = await vendor.issue({ expiresAt: new Date(Date.now() + 365 * DAY_MS) });
    server = await startEnterpriseServer({
      core: { models: models.dir, strictReadiness: 'off', consoleDir: path.join(consoleRoot, 'dist'), plugins: [CONSOLE_PLUGIN] },
      plugin: { trustedPublicKeys: [vendor.publicJwk], license: { key: license } },
    });
    base = new URL(server.url);
    // An admin key of its own with a limit high enough that the run reaches validation instead of 429s.
    const created = await postJson(
      `${server.url}/admin/keys`,
      { name: 'fuzz', scopes: ['admin'], rateLimit: { max: 1_000_000, windowMs: 60_000 } },
      server.auth,
    );
    expect(created.status).toBe(201);
    fuzzToken = created.json.token;
  });
  afterAll(async () => {
    await server?.close();
    models?.remove();
    rmSync(consoleRoot, { recursive: true, force: true });
  });

  it(`${HTTP_RUNS} generated requests and ${RAW_RUNS} raw ones: no 5xx, no reset, answered in time, no internals`, async () => {
    const started = performance.now();
    const cases = fc.sample(fuzzCase, { seed: SEED, numRuns: HTTP_RUNS });
    const raws = fc.sample(rawRequest, { seed: SEED, numRuns: RAW_RUNS });
    const outcomes: Outcome[] = [];
    await inPool(cases, CONCURRENCY, async (c, index) => {
      const authorization =
        c.auth === 'admin'
          ? `Bearer ${fuzzToken}`
          : c.auth === 'garbage'
            ? GARBAGE_AUTHORIZATION[index % GARBAGE_AUTHORIZATION.length]!
            : undefined;
      const headers = { ...c.headers, ...(authorization ? { authorization } : {}) };
      const answer = await sendHttp(base, c.method, c.path, headers, c.body, ANSWER_WITHIN_MS);
      const sent = `${c.path} ${decodeSafely(c.path)} ${JSON.stringify(headers)} ${c.body?.toString('utf8') ?? ''}`;
      const violations = answer.failure === 'unsendable' ? [] : violationsOf(answer, sent, FILE_MARKERS);
      outcomes.push({
        route: c.route,
        input: describeInput(c),
        answer,
        violations: violations.filter((v) => !isExpectedUnavailable(c, v)),
      });
    });
    await inPool(raws, CONCURRENCY, async (raw) => {
      const answer = await sendRaw(base, raw.bytes, ANSWER_WITHIN_MS);
      const sent = raw.bytes.toString('latin1');
      outcomes.push({
        route: raw.route,
        input: JSON.stringify(sent.slice(0, 300)),
        answer,
        violations: violationsOf(answer, `${sent} ${decodeSafely(sent)}`, FILE_MARKERS),
      });
    });
    const seconds = (performance.now() - started) / 1000;
    if (process.env.FUZZ_SHOW)
      for (const o of outcomes)
        if (String(o.answer.status) === process.env.FUZZ_SHOW) console.log(o.route, o.input.slice(0, 200), o.answer.body.slice(0, 300));

    // Still serving after all that.
    expect((await getJson(`${server.url}/v2/health/live`)).status).toBe(200);
    expect(
      (
        await postJson(
          `${server.url}/v2/models/sentiment/infer`,
          { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: ['good'] }] },
          server.auth,
        )
      ).status,
    ).toBe(200);

    const unknown: string[] = [];
    const knownHit = new Set<KnownFailure>();
    for (const outcome of outcomes) {
      for (const violation of outcome.violations) {
        const known = knownFailureOf(outcome, violation);
        if (known) knownHit.add(known);
        else
          unknown.push(
            `[${outcome.route}] ${violation}\n    input: ${outcome.input}\n    answer: ${outcome.answer.status ?? '-'} ${JSON.stringify(outcome.answer.body.slice(0, 300))}`,
          );
      }
    }
    const sent = outcomes.filter((o) => o.answer.failure !== 'unsendable').length;
    const statuses = new Map<string, number>();
    for (const o of outcomes)
      statuses.set(String(o.answer.status ?? o.answer.failure), (statuses.get(String(o.answer.status ?? o.answer.failure)) ?? 0) + 1);
    console.log(
      `fuzz seed ${SEED}: ${sent} requests answered in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; known failures seen: ${knownHit.size}/${KNOWN_FUZZ_FAILURES.length}`,
    );

    const covered = new Set(outcomes.map((o) => o.route));
    expect(FUZZ_ROUTES.filter((r) => !covered.has(r))).toEqual([]);
    expect(sent, 'enough requests went out').toBeGreaterThanOrEqual(2_000 * Math.min(1, HTTP_RUNS / 2_200));
    expect(
      unknown,
      `fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED}): ${unknown.length} violations, first ones:\n${unknown.slice(0, 25).join('\n')}`,
    ).toEqual([]);
    // Which known failures show up depends on the inputs: only the default seed and volume can call one stale.
    const stale = SEED === DEFAULT_SEED && HTTP_RUNS === DEFAULT_RUNS ? KNOWN_FUZZ_FAILURES.filter((k) => !knownHit.has(k)) : [];
    expect(stale.map((k) => `no longer happens, remove from tests/fuzz-known-failures.ts: ${k.route} ${k.violation}`)).toEqual([]);
  }, 180_000);
});

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
