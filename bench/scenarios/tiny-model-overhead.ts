/**
 * Per-request overhead: the demo `sentiment` model (a tiny lexicon graph: almost no compute) through Sluice's
 * V2 infer route vs a bare fastify route that parses the same JSON body and returns a small JSON.
 * Ratio: Sluice tiny-model req/s / bare fastify req/s (target 0.6).
 */
import Fastify from 'fastify';
import { copyDemoModel, tempRepository } from '../lib/bench-models.js';
import { loadRow, runLoad } from '../lib/load.js';
import type { ResultRow, Scenario, ScenarioResult } from '../lib/scenario.js';
import { startSluice } from '../lib/sluice-server.js';
import { benchSeconds } from './durations.js';

const CONNECTIONS = 32;
const BODY = JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [1], data: ['I love this'] }] });

export const tinyModelOverhead: Scenario = {
  name: 'tiny-model',
  description: 'Sluice on the tiny demo sentiment model vs a bare fastify JSON route',
  async run(): Promise<ScenarioResult> {
    const rows: ResultRow[] = [];
    const post = (url: string, headers: Record<string, string>, durationSeconds: number) =>
      runLoad({
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: BODY,
        connections: CONNECTIONS,
        durationSeconds,
      });

    const bare = Fastify({ logger: false });
    bare.post('/infer', async (request) => ({
      model_name: 'bare',
      outputs: [
        {
          name: 'label',
          datatype: 'BYTES',
          shape: [1],
          data: [(request.body as { inputs: unknown[] }).inputs.length > 0 ? 'positive' : 'negative'],
        },
      ],
    }));
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
    let bareRps: number;
    try {
      await post(`${bareUrl}/infer`, {}, benchSeconds.warmUp);
      const result = await post(`${bareUrl}/infer`, {}, benchSeconds.load);
      bareRps = result.requestsPerSecond;
      rows.push(loadRow('bare fastify POST, small JSON', CONNECTIONS, result));
    } finally {
      await bare.close();
    }

    const repository = tempRepository('tiny');
    copyDemoModel(repository.dir, 'sentiment', 'sentiment');
    copyDemoModel(repository.dir, 'sentiment', 'sentiment-batched', { enabled: true, max_batch_size: 64, max_queue_delay_microseconds: 0 });
    const server = await startSluice({ models: repository.dir });
    const sluiceRps: Record<string, number> = {};
    try {
      for (const model of ['sentiment', 'sentiment-batched']) {
        const url = `${server.url}/v2/models/${model}/infer`;
        await post(url, server.headers, benchSeconds.warmUp);
        const result = await post(url, server.headers, benchSeconds.load);
        sluiceRps[model] = result.requestsPerSecond;
        rows.push(loadRow(`sluice V2 infer, ${model}`, CONNECTIONS, result));
      }
    } finally {
      await server.close();
      repository.remove();
    }
    return {
      rows,
      ratios: [
        { name: 'sluice tiny model / bare fastify (batching off)', value: sluiceRps.sentiment! / bareRps, target: 0.6 },
        { name: 'sluice tiny model / bare fastify (batching on)', value: sluiceRps['sentiment-batched']! / bareRps, target: 0.6 },
      ],
      notes: [
        'both servers run in the bench process with their logs off/at warn; Sluice includes auth, rate-limit hooks, validation, tokenization and a worker round trip',
      ],
    };
  },
};
