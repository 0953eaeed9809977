/**
 * Text generation on a decoder with SmolLM2-135M's dimensions (random weights, no end token so every
 * request generates exactly its max_tokens): Sluice's continuous batching at concurrency 1, 4 and 16,
 * the same with batching switched off (generation.max_sequences 1), and the peer a Node user would write
 * (transformers.js generate() serving the requests one at a time in its own process). Reports aggregate
 * tokens/s and time to first token.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureDecoderModel, smolLM2_135M } from '../../demo/decoder/index.js';
import type { Ratio, ResultRow, Scenario } from '../lib/scenario.js';
import { startSluice, type BenchServer } from '../lib/sluice-server.js';

const MAX_TOKENS = Number(process.env.BENCH_GEN_TOKENS ?? 48);
const CONCURRENCY = [1, 4, 16];
const PROMPTS = [
  'Tell me about the history of the printing press.',
  'How do bees make honey?',
  'Write a haiku about autumn leaves falling on a quiet pond.',
  'What is the capital of France and why is it famous?',
  'Explain recursion to a five year old.',
  'List some good habits for programmers.',
  'Why is the sky blue during the day?',
  'Describe a walk in a forest after rain.',
];

interface RequestTiming {
  ttftMs: number;
  tokens: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** One streamed chat completion: time to the first content delta, and completion tokens. */
async function streamOne(server: BenchServer, model: string, prompt: string): Promise<RequestTiming> {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...server.headers },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: prompt }],
      max_tokens: MAX_TOKENS,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let ttftMs = 0;
  let tokens = 0;
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer.slice(6, boundary);
      buffer = buffer.slice(boundary + 2);
      if (data === '[DONE]') continue;
      const chunk = JSON.parse(data) as { choices: { delta: { content?: string } }[]; usage?: { completion_tokens: number } | null };
      if (!ttftMs && chunk.choices[0]?.delta.content) ttftMs = performance.now() - started;
      if (chunk.usage) tokens = chunk.usage.completion_tokens;
    }
  }
  return { ttftMs, tokens };
}

/** `concurrency` clients, each sending `perClient` requests back to back. */
async function load(server: BenchServer, model: string, concurrency: number, perClient: number) {
  const timings: RequestTiming[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = 0; i < perClient; i++) timings.push(await streamOne(server, model, PROMPTS[(client + i) % PROMPTS.length]!));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const tokens = timings.reduce((sum, t) => sum + t.tokens, 0);
  return {
    tokensPerSecond: tokens / seconds,
    ttftP50: percentile(
      timings.map((t) => t.ttftMs),
      50,
    ),
    ttftP99: percentile(
      timings.map((t) => t.ttftMs),
      99,
    ),
  };
}

async function runPeer(modelDir: string, prompts: string[]): Promise<{ prefillMs: number; totalMs: number; tokens: number }[]> {
  const child = fileURLToPath(new URL('../lib/generation-peer-child.ts', import.meta.url));
  const output = await new Promise<string>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, BENCH_PEER: JSON.stringify({ modelDir, prompts, maxNewTokens: MAX_TOKENS }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk) => (stdout += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`the peer exited with ${code}`))));
  });
  return JSON.parse(output) as { prefillMs: number; totalMs: number; tokens: number }[];
}

/** A second model name over the same files (symlinks), with its own Sluice config.json. */
function alias(repository: string, name: string, source: string, config: object): void {
  const version = path.join(repository, name, '1');
  mkdirSync(version, { recursive: true });
  for (const entry of readdirSync(source)) symlinkSync(path.join(source, entry), path.join(version, entry));
  if (Object.keys(config).length > 0) writeFileSync(path.join(repository, name, 'config.json'), JSON.stringify(config));
}

export const generationScenario: Scenario = {
  name: 'generation',
  description: `SmolLM2-135M-shaped decoder: streamed chat tokens/s and TTFT at c=1/4/16 (${MAX_TOKENS} tokens each), batching on/off vs transformers.js generate()`,
  async run() {
    // 540 MB: written once into a cache folder (kept between runs), served through symlinks.
    const modelDir = path.join(tmpdir(), 'sluice-bench-cache', 'smollm2-135m-shaped');
    const built = ensureDecoderModel(modelDir, smolLM2_135M);
    const repository = mkdtempSync(path.join(tmpdir(), 'sluice-bench-gen-'));
    // No end token: every request generates exactly MAX_TOKENS, in Sluice and in the peer alike.
    for (const file of ['config.json', 'generation_config.json']) {
      const json = JSON.parse(readFileSync(path.join(modelDir, file), 'utf8')) as Record<string, unknown>;
      delete json.eos_token_id;
      writeFileSync(path.join(modelDir, file), JSON.stringify(json));
    }
    alias(repository, 'smol', modelDir, {});
    alias(repository, 'smol-serial', modelDir, { generation: { max_sequences: 1 } });
    const rows: ResultRow[] = [];
    const ratios: Ratio[] = [];
    try {
      const peer = await runPeer(modelDir, PROMPTS);
      const peerTokensPerSecond = peer.reduce((s, r) => s + r.tokens, 0) / (peer.reduce((s, r) => s + r.totalMs, 0) / 1000);
      const peerPrefill = percentile(
        peer.map((r) => r.prefillMs),
        50,
      );
      rows.push({
        name: 'peer: transformers.js generate(), one at a time',
        concurrency: 1,
        throughput: peerTokensPerSecond,
        unit: 'items/s',
        p50Ms: peerPrefill,
        note: 'p50 = prefill (first token)',
      });

      const server = await startSluice({ models: repository, workers: 1 });
      try {
        await load(server, 'smol', 1, 1); // warm-up
        await load(server, 'smol-serial', 1, 1);
        const batched = new Map<number, Awaited<ReturnType<typeof load>>>();
        for (const concurrency of CONCURRENCY) {
          const perClient = concurrency === 1 ? 4 : 2;
          const result = await load(server, 'smol', concurrency, perClient);
          batched.set(concurrency, result);
          rows.push({
            name: 'sluice, continuous batching',
            concurrency,
            throughput: result.tokensPerSecond,
            unit: 'items/s',
            p50Ms: result.ttftP50,
            p99Ms: result.ttftP99,
            note: 'p50/p99 = TTFT',
          });
        }
        for (const concurrency of [1, 4]) {
          const result = await load(server, 'smol-serial', concurrency, concurrency === 1 ? 2 : 1);
          rows.push({
            name: 'sluice, batching off (max_sequences 1)',
            concurrency,
            throughput: result.tokensPerSecond,
            unit: 'items/s',
            p50Ms: result.ttftP50,
            p99Ms: result.ttftP99,
            note: 'p50/p99 = TTFT',
          });
        }
        const c1 = batched.get(1)!;
        const c16 = batched.get(16)!;
        ratios.push({ name: 'tokens/s c=16 / Sluice c=1', value: c16.tokensPerSecond / c1.tokensPerSecond, target: 4 });
        ratios.push({ name: 'tokens/s c=16 / peer', value: c16.tokensPerSecond / peerTokensPerSecond, target: 3 });
        ratios.push({ name: 'peer prefill / Sluice TTFT p50 at c=1 (>= 1/1.2)', value: peerPrefill / c1.ttftP50, target: 1 / 1.2 });
      } finally {
        await server.close();
      }
    } finally {
      rmSync(repository, { recursive: true, force: true }); // the symlinks; the cached model stays
    }
    return {
      rows,
      ratios,
      notes: [
        `model: ${smolLM2_135M.layers} layers, hidden ${smolLM2_135M.hidden}, ${smolLM2_135M.heads} heads / ${smolLM2_135M.kvHeads} KV heads, vocab ${built.spec.vocab}; ${(built.onnxBytes / 1e6).toFixed(0)} MB float32, random weights`,
        `${MAX_TOKENS} new tokens per request (no end token), prompts of ${PROMPTS.length} kinds through the ChatML template; throughput is generated tokens/s over all clients`,
        "one worker process, ORT threads = the machine's cores; the peer runs in its own process with the same onnxruntime-node",
      ],
    };
  },
};
