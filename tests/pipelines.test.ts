/**
 * Pipelines (ensembles): a repository model whose version folder holds pipeline.json chains member models and
 * built-in steps. Served like any model (V2 metadata, readiness, inference), its members run through the same
 * inference layer (so a member's hot swap reaches the pipeline with no failed request), a failing step is named
 * in a 4xx/503, and the event bus (audit, metering) hears of one request: the pipeline's.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceCompletedEvent } from '../packages/core/src/extensions.js';
import { expectedPositive, PROBE_TEXT, publishVersion, sentimentRepository } from './helpers/sentiment-versions.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

const MOOD_PIPELINE = {
  inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
  outputs: [
    { name: 'label', datatype: 'BYTES', shape: [-1] },
    { name: 'score', datatype: 'FP32', shape: [-1] },
    { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
  ],
  steps: [
    { name: 'classify', model: 'sentiment', inputs: { text: 'text' }, outputs: { probabilities: 'probabilities' } },
    { name: 'pick', op: 'tensor.argmax', inputs: { values: 'probabilities' }, outputs: { indices: 'index', maxima: 'score' } },
    {
      name: 'name',
      op: 'tensor.labels',
      params: { labels: ['negative', 'positive'] },
      inputs: { indices: 'index' },
      outputs: { labels: 'label' },
    },
  ],
};

/** Writes a pipeline version in one rename, as an operator publishing a new version would. */
function publishPipeline(root: string, name: string, version: number, pipeline: object): void {
  const modelDir = path.join(root, name);
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(path.join(modelDir, 'config.json'), JSON.stringify({ task: 'pipeline', description: `${name} (test pipeline)` }));
  const staging = path.join(modelDir, `.staging-${version}`);
  mkdirSync(staging, { recursive: true });
  writeFileSync(path.join(staging, 'pipeline.json'), JSON.stringify(pipeline));
  writeFileSync(path.join(staging, 'READY'), '');
  renameSync(staging, path.join(modelDir, String(version)));
}

const moodRequest = (texts: string[]) => ({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [texts.length], data: texts }] });

describe('pipelines', () => {
  let server: TestServer;
  let repository: ReturnType<typeof sentimentRepository>;
  const events: InferenceCompletedEvent[] = [];

  beforeAll(async () => {
    repository = sentimentRepository();
    publishVersion(repository.modelDir, 1);
    publishPipeline(repository.dir, 'mood', 1, MOOD_PIPELINE);
    publishPipeline(repository.dir, 'mood-missing-member', 1, {
      ...MOOD_PIPELINE,
      steps: [{ ...MOOD_PIPELINE.steps[0], model: 'no-such-model' }, ...MOOD_PIPELINE.steps.slice(1)],
    });
    publishPipeline(repository.dir, 'mood-wrong-port', 1, {
      ...MOOD_PIPELINE,
      steps: [{ ...MOOD_PIPELINE.steps[0], inputs: { txt: 'text' } }, ...MOOD_PIPELINE.steps.slice(1)],
    });
    publishPipeline(repository.dir, 'mood-short-labels', 1, {
      ...MOOD_PIPELINE,
      steps: [...MOOD_PIPELINE.steps.slice(0, 2), { ...MOOD_PIPELINE.steps[2], params: { labels: ['negative'] } }],
    });
    publishPipeline(repository.dir, 'loop', 1, {
      inputs: [{ name: 'text', datatype: 'BYTES', shape: [-1] }],
      outputs: [{ name: 'label', datatype: 'BYTES', shape: [-1] }],
      steps: [{ name: 'again', model: 'loop', inputs: { text: 'text' }, outputs: { label: 'label' } }],
    });
    publishPipeline(repository.dir, 'broken', 1, {
      ...MOOD_PIPELINE,
      steps: [MOOD_PIPELINE.steps[0], { ...MOOD_PIPELINE.steps[1], inputs: { values: 'nowhere' } }, MOOD_PIPELINE.steps[2]],
    });
    server = await startTestServer({ models: repository.dir, workers: 1 });
    server.app.sluice.extensions.events.on('inference.completed', (event) => void events.push(event));
  });
  afterAll(async () => {
    await server?.close();
    repository?.remove();
  });

  it('has V2 metadata (platform "ensemble") with the inputs and outputs pipeline.json declares, and is ready', async () => {
    const { status, json } = await getJson(`${server.url}/v2/models/mood`, server.auth);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      name: 'mood',
      versions: ['1'],
      platform: 'ensemble',
      inputs: MOOD_PIPELINE.inputs,
      outputs: MOOD_PIPELINE.outputs,
      parameters: { task: 'pipeline', description: 'mood (test pipeline)' },
    });
    expect((await getJson(`${server.url}/v2/models/mood/ready`, server.auth)).status).toBe(200);
  });

  it('answers what its member answers, then its built-in steps compute on that (argmax, labels)', async () => {
    const texts = [PROBE_TEXT, 'I hate this, it is awful', 'a table'];
    const direct = await postJson(`${server.url}/v2/models/sentiment/infer`, moodRequest(texts), server.auth);
    const piped = await postJson(`${server.url}/v2/models/mood/infer`, moodRequest(texts), server.auth);
    expect(direct.status).toBe(200);
    expect(piped.status, piped.text).toBe(200);
    const directProbabilities = direct.json.outputs.find((o: { name: string }) => o.name === 'probabilities').data as number[];
    const byName = Object.fromEntries(piped.json.outputs.map((o: { name: string }) => [o.name, o])) as Record<
      string,
      { data: unknown[]; shape: number[] }
    >;
    expect(byName.probabilities!.data).toEqual(directProbabilities);
    const expectedLabels = texts.map((_, i) => (directProbabilities[2 * i + 1]! > directProbabilities[2 * i]! ? 'positive' : 'negative'));
    expect(byName.label!.data).toEqual(expectedLabels);
    expect(byName.label!.data.slice(0, 2)).toEqual(['positive', 'negative']);
    expect(byName.score!.data[0]).toBeCloseTo(expectedPositive(1), 5);
    expect(byName.score!.shape).toEqual([3]);
  });

  it('tells the event bus (audit, metering) of the pipeline request only, while member statistics still count', async () => {
    const before = events.length;
    const stats = async () =>
      (await getJson(`${server.url}/v2/models/sentiment/stats`, server.auth)).json.model_stats[0].inference_stats.success.count as number;
    const memberSuccesses = await stats();
    expect((await postJson(`${server.url}/v2/models/mood/infer`, moodRequest([PROBE_TEXT]), server.auth)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50)); // listeners run on a later tick
    const heard = events.slice(before);
    expect(heard.map((e) => e.model)).toEqual(['mood']);
    expect(await stats()).toBe(memberSuccesses + 1);
  });

  it('names the failing step: a bad member wiring is a 400, a step that cannot compute a 422, a missing member a 503', async () => {
    const wrongPort = await postJson(`${server.url}/v2/models/mood-wrong-port/infer`, moodRequest(['x']), server.auth);
    expect(wrongPort.status).toBe(400);
    expect(wrongPort.json.code).toBe('SLUICE_ERR_INPUT_UNKNOWN');
    expect(wrongPort.json.error).toContain('pipeline "mood-wrong-port" step "classify" (model sentiment)');

    const shortLabels = await postJson(`${server.url}/v2/models/mood-short-labels/infer`, moodRequest([PROBE_TEXT]), server.auth);
    expect(shortLabels.status).toBe(422);
    expect(shortLabels.json.code).toBe('SLUICE_ERR_PIPELINE_STEP_FAILED');
    expect(shortLabels.json.error).toContain('step "name" (op tensor.labels)');

    const missing = await postJson(`${server.url}/v2/models/mood-missing-member/infer`, moodRequest(['x']), server.auth);
    expect(missing.status).toBe(503);
    expect(missing.json.code).toBe('SLUICE_ERR_MODEL_NOT_READY');
    expect(missing.json.error).toContain('step "classify" (model no-such-model)');

    const loop = await postJson(`${server.url}/v2/models/loop/infer`, moodRequest(['x']), server.auth);
    expect(loop.status).toBe(422);
    expect(loop.json.error).toMatch(/call themselves: loop -> loop/);

    const wrongType = await postJson(
      `${server.url}/v2/models/mood/infer`,
      { inputs: [{ name: 'text', datatype: 'FP32', shape: [1], data: [1] }] },
      server.auth,
    );
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.code).toBe('SLUICE_ERR_DATATYPE_MISMATCH');
  });

  it('refuses to load a pipeline.json whose wiring is wrong, naming the step, and keeps the rest serving', async () => {
    const index = (await postJson(`${server.url}/v2/repository/index`, {}, server.auth)).json as {
      name: string;
      state: string;
      reason?: string;
    }[];
    const broken = index.find((entry) => entry.name === 'broken');
    expect(broken?.state).toBe('UNAVAILABLE');
    expect(broken?.reason).toContain('pipeline.json step "pick": reads "nowhere", which no earlier step makes');
    expect(broken?.reason).not.toContain(repository.dir);
    const load = await postJson(`${server.url}/v2/repository/models/broken/load`, {}, server.auth);
    expect(load.status).toBe(422);
    expect(load.json.code).toBe('SLUICE_ERR_MODEL_LOAD_FAILED');
  });

  it('hot-swaps a member model and the pipeline itself under load without a failed request', async () => {
    let stop = false;
    const seen: { status: number; score?: number; body?: string }[] = [];
    const client = async () => {
      while (!stop) {
        const response = await postJson(`${server.url}/v2/models/mood/infer`, moodRequest([PROBE_TEXT]), server.auth);
        const score = response.json?.outputs?.find((o: { name: string }) => o.name === 'score')?.data[0] as number | undefined;
        seen.push(response.status === 200 ? { status: 200, score } : { status: response.status, body: response.text });
      }
    };
    const clients = Array.from({ length: 6 }, client);
    for (let version = 2; version <= 6; version++) {
      publishVersion(repository.modelDir, version);
      const load = await postJson(`${server.url}/v2/repository/models/sentiment/load`, {}, server.auth);
      expect(load.status, load.text).toBe(200);
      publishPipeline(repository.dir, 'mood', version, MOOD_PIPELINE);
      const pipelineLoad = await postJson(`${server.url}/v2/repository/models/mood/load`, {}, server.auth);
      expect(pipelineLoad.status, pipelineLoad.text).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    stop = true;
    await Promise.all(clients);
    expect(seen.filter((s) => s.status !== 200).slice(0, 3)).toEqual([]);
    // Every answer is what one of the member versions computes, and the last one is the newest member's.
    const versionOf = (score: number) => [1, 2, 3, 4, 5, 6].find((v) => Math.abs(expectedPositive(v) - score) < 1e-5);
    expect(seen.filter((s) => versionOf(s.score!) === undefined)).toEqual([]);
    const final = await postJson(`${server.url}/v2/models/mood/infer`, moodRequest([PROBE_TEXT]), server.auth);
    expect(final.json.model_version).toBe('6');
    expect(versionOf(final.json.outputs.find((o: { name: string }) => o.name === 'score').data[0])).toBe(6);
    expect(seen.length).toBeGreaterThan(20);
  });

  it('takes a multipart/form-data upload on /infer/multipart: each field is a BYTES input, the answer is V2 JSON', async () => {
    const form = new FormData();
    form.append('text', PROBE_TEXT);
    form.append('text', new Blob(['I hate this']), 'second.txt');
    const response = await fetch(`${server.url}/v2/models/mood/infer/multipart`, { method: 'POST', body: form, headers: server.auth });
    const json = (await response.json()) as { model_name: string; outputs: { name: string; data: unknown[] }[] };
    expect(response.status, JSON.stringify(json)).toBe(200);
    expect(json.model_name).toBe('mood');
    expect(json.outputs.find((o) => o.name === 'label')!.data).toEqual(['positive', 'negative']);

    // A file that is not text, sent to a model that reads text: refused as the binary extension refuses it.
    const binary = new FormData();
    binary.append('text', new Blob([new Uint8Array([0xff, 0xfe, 0x00, 0x89])]), 'blob.bin');
    const refused = await fetch(`${server.url}/v2/models/sentiment/infer/multipart`, {
      method: 'POST',
      body: binary,
      headers: server.auth,
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { code: string }).code).toBe('SLUICE_ERR_INVALID_DATA');
  });

  it('refuses bodies that are not a well-formed multipart form with a 4xx and a code', async () => {
    const post = (body: string, contentType: string) =>
      fetch(`${server.url}/v2/models/mood/infer/multipart`, {
        method: 'POST',
        body,
        headers: { ...server.auth, 'content-type': contentType },
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { code: string; error: string } }));
    const json = await post('{"inputs": []}', 'application/json');
    expect(json.status).toBe(415);
    expect(json.json.code).toBe('SLUICE_ERR_UNSUPPORTED_MEDIA_TYPE');
    const cases: [string, string][] = [
      ['--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello', 'multipart/form-data; boundary=b'],
      ['no boundary here', 'multipart/form-data; boundary=b'],
      ['--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--', 'multipart/form-data; boundary=b'],
      ['--b--', 'multipart/form-data; boundary=b'],
      ['--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n--b--', 'multipart/form-data'],
    ];
    for (const [body, contentType] of cases) {
      const answer = await post(body, contentType);
      expect(answer.status, body).toBe(400);
      expect(answer.json.code).toBe('SLUICE_ERR_BAD_REQUEST');
      expect(answer.json.error).toMatch(/^multipart body: /);
    }
  });

  it('is authorized as itself: a key limited to the pipeline may use it, but not its members directly', async () => {
    const created = await postJson(`${server.url}/admin/keys`, { name: 'mood-only', scopes: ['infer'], models: ['mood'] }, server.auth);
    expect(created.status, created.text).toBe(201);
    const auth = { authorization: `Bearer ${created.json.token as string}` };
    expect((await postJson(`${server.url}/v2/models/mood/infer`, moodRequest([PROBE_TEXT]), auth)).status).toBe(200);
    const direct = await postJson(`${server.url}/v2/models/sentiment/infer`, moodRequest([PROBE_TEXT]), auth);
    expect(direct.status).toBe(403);
    expect(direct.json.code).toBe('SLUICE_ERR_FORBIDDEN');
  });
});
