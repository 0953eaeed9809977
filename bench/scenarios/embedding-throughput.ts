/**
 * The MiniLM-shaped encoder (all-MiniLM-L6-v2's signature, 384 hidden) three ways, in one run:
 *   1. the limit: onnxruntime-node in-process at its best batch size;
 *   2. Sluice POST /v1/embeddings (one text per request, base64 like the openai client) with dynamic batching;
 *   3. the same without batching; each at concurrency 1, 8 and 32.
 * Ratios: batching / limit at c=32 (target 0.9) and batching / no batching at c=32 (target 3).
 */
import { availableParallelism } from 'node:os';
import { Tokenizer } from '@huggingface/tokenizers';
import { buildMiniLmShapedEncoder, buildWordPieceTokenizerConfig, buildWordPieceTokenizerJson } from '../../demo/minilm-encoder.js';
import { tempRepository, writeEncoderModel } from '../lib/bench-models.js';
import { measureEncoderLimit } from '../lib/in-process-limit.js';
import { loadRow, runLoad } from '../lib/load.js';
import type { ResultRow, Scenario, ScenarioResult } from '../lib/scenario.js';
import { startSluice } from '../lib/sluice-server.js';
import { benchSeconds } from './durations.js';

const TEXT = 'Sluice keeps every byte of data in your own infrastructure and serves open models close to the limit of the machine.';
const CONCURRENCIES = [1, 8, 32];
const BATCHING = { enabled: true, max_batch_size: 64, max_queue_delay_microseconds: 0, max_queue_size: 1024 };

export const embeddingThroughput: Scenario = {
  name: 'embedding',
  description: 'MiniLM-shaped encoder: in-process limit vs Sluice /v1/embeddings with and without dynamic batching',
  async run(): Promise<ScenarioResult> {
    const encoder = buildMiniLmShapedEncoder();
    const tokenizer = new Tokenizer(buildWordPieceTokenizerJson() as never, buildWordPieceTokenizerConfig() as never);
    const tokenIds = tokenizer.encode(TEXT).ids;
    const cores = availableParallelism();
    const rows: ResultRow[] = [];

    const limit = await measureEncoderLimit(encoder, tokenIds, [1, 8, 16, 32, 64], cores, benchSeconds.limitPoint);
    for (const point of limit)
      rows.push({
        name: `in-process ORT, batch ${point.batchSize}`,
        throughput: point.itemsPerSecond,
        unit: 'items/s',
        p50Ms: point.msPerRun,
        note: 'p50 = ms per run',
      });
    const best = limit.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));

    const repository = tempRepository('embedding');
    writeEncoderModel(repository.dir, 'minilm-batched', { encoder, dynamicBatching: BATCHING });
    writeEncoderModel(repository.dir, 'minilm', { encoder });
    const server = await startSluice({ models: repository.dir });
    const sluiceRps: Record<string, Record<number, number>> = { 'minilm-batched': {}, minilm: {} };
    try {
      for (const model of ['minilm-batched', 'minilm']) {
        const load = (connections: number, durationSeconds: number) =>
          runLoad({
            url: `${server.url}/v1/embeddings`,
            method: 'POST',
            headers: { 'content-type': 'application/json', ...server.headers },
            body: JSON.stringify({ model, input: TEXT, encoding_format: 'base64' }),
            connections,
            durationSeconds,
          });
        await load(32, benchSeconds.warmUp);
        for (const connections of CONCURRENCIES) {
          const result = await load(connections, benchSeconds.load);
          sluiceRps[model]![connections] = result.requestsPerSecond;
          rows.push(loadRow(`sluice /v1/embeddings, batching ${model === 'minilm' ? 'off' : 'on'}`, connections, result));
        }
      }
    } finally {
      await server.close();
      repository.remove();
    }

    return {
      rows,
      ratios: [
        { name: 'sluice batching c=32 / in-process limit', value: sluiceRps['minilm-batched']![32]! / best.itemsPerSecond, target: 0.9 },
        { name: 'batching gain at c=32 (on / off)', value: sluiceRps['minilm-batched']![32]! / sluiceRps.minilm![32]!, target: 3 },
        { name: 'batching gain at c=8 (on / off)', value: sluiceRps['minilm-batched']![8]! / sluiceRps.minilm![8]! },
      ],
      notes: [
        `one text of ${tokenIds.length} tokens per request; the limit uses batch ${best.batchSize} (best) with ${cores} intra-op threads`,
        `Sluice defaults: ${Math.min(2, cores)} ORT workers x ${Math.max(1, Math.floor(cores / Math.min(2, cores)))} thread, one session per worker; autocannon runs in a child process on the same ${cores} cores`,
      ],
    };
  },
};
