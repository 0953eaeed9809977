/**
 * Dynamic batching end to end: concurrent requests are merged into fewer ORT runs, every client gets exactly
 * its own rows back (compared with an unbatched copy of the same model), shapes that cannot join run apart,
 * one failing request spares its batch-mates, and tokenized texts of different lengths are padded safely.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOOKUP_TABLE_ROWS,
  LOOKUP_WIDTH,
  counterValue,
  lookupValue,
  writeEncoderModel,
  writeLookupModel,
} from './helpers/batching-models.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

type Server = TestServer & { auth?: Record<string, string> };

const BATCHING = { enabled: true, max_batch_size: 64, max_queue_delay_microseconds: 20_000, max_queue_size: 256 };

describe('dynamic batching', () => {
  let server: Server;
  let repository: string;
  const auth = () => server.auth;
  const infer = (model: string, inputs: unknown[]) => postJson(`${server.url}/v2/models/${model}/infer`, { inputs }, auth());
  const metrics = async () => (await getJson(`${server.url}/metrics`, auth())).text;

  beforeAll(async () => {
    repository = mkdtempSync(path.join(tmpdir(), 'sluice-batching-'));
    writeLookupModel(repository, 'lookup-batched', { dynamicBatching: BATCHING, instances: 1 });
    writeLookupModel(repository, 'lookup-plain', { instances: 1 });
    writeEncoderModel(repository, 'encoder-batched', { dynamicBatching: BATCHING, instances: 1 });
    writeEncoderModel(repository, 'encoder-plain', { instances: 1 });
    server = await startTestServer({ models: repository, workers: 2 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(repository, { recursive: true, force: true });
  });

  it('merges concurrent requests into fewer runs and returns each client its own rows', async () => {
    const requests = Array.from({ length: 24 }, (_, i) => {
      const rows = 1 + (i % 3);
      const ids = Array.from({ length: rows * 4 }, (_, k) => (i * 7 + k * 3) % LOOKUP_TABLE_ROWS);
      return { rows, ids };
    });
    const execBefore = counterValue(await metrics(), 'sluice_inference_exec_count_total', { model: 'lookup-batched' });
    const responses = await Promise.all(
      requests.map((r) => infer('lookup-batched', [{ name: 'ids', datatype: 'INT64', shape: [r.rows, 4], data: r.ids }])),
    );
    const execAfter = counterValue(await metrics(), 'sluice_inference_exec_count_total', { model: 'lookup-batched' });

    responses.forEach((response, i) => {
      expect(response.status).toBe(200);
      const output = response.json.outputs[0];
      expect(output.shape).toEqual([requests[i]!.rows, 4, LOOKUP_WIDTH]);
      expect(output.data).toEqual(requests[i]!.ids.flatMap((id) => Array.from({ length: LOOKUP_WIDTH }, (_, c) => lookupValue(id, c))));
    });
    expect(execAfter - execBefore).toBeGreaterThan(0);
    expect(execAfter - execBefore).toBeLessThan(requests.length);
    expect(await metrics()).toMatch(/sluice_inference_batch_size_bucket\{[^}]*model="lookup-batched"[^}]*\} \d+/);
  });

  it('runs requests whose non-batch dims differ in separate runs, all correct', async () => {
    const lengths = [2, 5, 2, 5, 3, 2, 5, 3];
    const responses = await Promise.all(
      lengths.map((n, i) => {
        const ids = Array.from({ length: n }, (_, k) => (i + k) % LOOKUP_TABLE_ROWS);
        return infer('lookup-batched', [{ name: 'ids', datatype: 'INT64', shape: [1, n], data: ids }]).then((response) => ({
          response,
          ids,
        }));
      }),
    );
    for (const { response, ids } of responses) {
      expect(response.status).toBe(200);
      expect(response.json.outputs[0].shape).toEqual([1, ids.length, LOOKUP_WIDTH]);
      expect(response.json.outputs[0].data).toEqual(
        ids.flatMap((id) => Array.from({ length: LOOKUP_WIDTH }, (_, c) => lookupValue(id, c))),
      );
    }
  });

  it('fails only the bad request of a batch; its batch-mates succeed', async () => {
    const good = Array.from({ length: 12 }, (_, i) => [i % LOOKUP_TABLE_ROWS, (i + 1) % LOOKUP_TABLE_ROWS]);
    const bad = [3, LOOKUP_TABLE_ROWS + 5]; // out of the table: ORT refuses the Gather
    const bodies = [...good.slice(0, 6), bad, ...good.slice(6)];
    const responses = await Promise.all(
      bodies.map((ids) => infer('lookup-batched', [{ name: 'ids', datatype: 'INT64', shape: [1, 2], data: ids }])),
    );
    responses.forEach((response, i) => {
      if (bodies[i] === bad) {
        expect(response.status).toBe(422);
        expect(response.json.code).toBe('SLUICE_ERR_INFERENCE_FAILED');
      } else {
        expect(response.status).toBe(200);
        expect(response.json.outputs[0].data).toEqual(
          bodies[i]!.flatMap((id) => Array.from({ length: LOOKUP_WIDTH }, (_, c) => lookupValue(id, c))),
        );
      }
    });
  });

  it('pads texts of different lengths into one run and returns the same embeddings as unbatched runs', async () => {
    const texts = [
      'hi',
      'the quick brown fox jumps over the lazy dog',
      'good',
      'a somewhat longer sentence about batching many requests together in one run',
      'happy days',
      'terrible weather today',
      'ok',
      'serving models close to the limit of the machine',
    ];
    const asInput = (text: string) => [{ name: 'text', datatype: 'BYTES', shape: [1], data: [text] }];
    const execBefore = counterValue(await metrics(), 'sluice_inference_exec_count_total', { model: 'encoder-batched' });
    const batched = await Promise.all(texts.map((text) => infer('encoder-batched', asInput(text))));
    const execAfter = counterValue(await metrics(), 'sluice_inference_exec_count_total', { model: 'encoder-batched' });
    const plain: Awaited<ReturnType<typeof infer>>[] = [];
    for (const text of texts) plain.push(await infer('encoder-plain', asInput(text)));

    expect(execAfter - execBefore).toBeLessThan(texts.length);
    texts.forEach((_, i) => {
      expect(batched[i]!.status).toBe(200);
      const got = batched[i]!.json.outputs[0].data as number[];
      const want = plain[i]!.json.outputs[0].data as number[];
      expect(got).toHaveLength(want.length);
      got.forEach((value, k) => expect(value).toBeCloseTo(want[k]!, 4));
    });
  });
});
