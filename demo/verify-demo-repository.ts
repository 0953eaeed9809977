/**
 * Checks the demo repository and the synthetic encoder end to end with the same libraries the
 * server uses: @huggingface/tokenizers for text, onnxruntime-node for inference.
 *
 *   npx tsx demo/build-demo-repository.ts && npx tsx demo/verify-demo-repository.ts
 *
 * Prints one line per check and exits non-zero if any fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { DEFAULT_MODELS_DIR } from './build-demo-repository.js';
import { buildMiniLmShapedEncoder, buildWordPieceTokenizerConfig, buildWordPieceTokenizerJson } from './minilm-encoder.js';
import { buildSentimentModel, sentimentVocabulary } from './sentiment-model.js';

let failures = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
}

const readJson = (path: string): object => JSON.parse(readFileSync(path, 'utf8')) as object;

/** The way core is meant to load a model's tokenizer: tokenizer.json + tokenizer_config.json. */
function loadTokenizer(dir: string): Tokenizer {
  return new Tokenizer(readJson(join(dir, 'tokenizer.json')), readJson(join(dir, 'tokenizer_config.json')));
}

/** Pads encodings to one [batch, length] pair of int64 tensors (0 = [PAD], mask 0). */
function batchTensors(rows: { ids: number[]; attention_mask: number[] }[], length: number) {
  const ids = new BigInt64Array(rows.length * length);
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, r) => {
    row.ids.slice(0, length).forEach((id, i) => (ids[r * length + i] = BigInt(id)));
    row.attention_mask.slice(0, length).forEach((m, i) => (mask[r * length + i] = BigInt(m)));
  });
  const dims = [rows.length, length];
  return { input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims) };
}

const softmaxPositive = (l0: number, l1: number): number => 1 / (1 + Math.exp(l0 - l1));

async function verifySentiment(): Promise<void> {
  const dir = join(DEFAULT_MODELS_DIR, 'sentiment');
  const vocab = sentimentVocabulary();
  check('sentiment vocabulary', vocab.tokens.length > 3000, `${vocab.tokens.length - 2} AFINN words kept, ${vocab.dropped.length} dropped`);

  const tokenizer = loadTokenizer(dir);
  const enc = tokenizer.encode("I LOVE this, it's GREAT!");
  check(
    'sentiment tokenizer encode',
    enc.tokens.join(' ') === "i love this , it ' s great !",
    `tokens=${JSON.stringify(enc.tokens)} ids=${JSON.stringify(enc.ids)}`,
  );
  check('sentiment tokenizer unknown words -> [UNK]=1', enc.ids[0] === 1 && enc.ids.every((id: number) => Number.isInteger(id)));
  const bare = new Tokenizer(readJson(join(dir, 'tokenizer.json')), {}).encode('I love this');
  check('(without tokenizer_config.json unknown ids are undefined)', bare.ids[0] === undefined, JSON.stringify(bare.ids));

  const session = await ort.InferenceSession.create(join(dir, '1', 'model.onnx'));
  const texts = ['I love this', 'this is terrible and awful', 'the cat sat on the mat'];
  const encodings = texts.map((t) => tokenizer.encode(t));
  const tight = await session.run(batchTensors(encodings, Math.max(...encodings.map((e) => e.ids.length))));
  const padded = await session.run(batchTensors(encodings, 16));
  const p = (out: ort.InferenceSession.OnnxValueMapType, row: number) => {
    const l = out.logits!.data as Float32Array;
    return softmaxPositive(l[row * 2]!, l[row * 2 + 1]!);
  };
  check("sentiment 'I love this' positive", p(tight, 0) > 0.8, `p_positive=${p(tight, 0).toFixed(4)}`);
  check("sentiment 'this is terrible and awful' negative", p(tight, 1) < 0.5, `p_positive=${p(tight, 1).toFixed(6)}`);
  check('sentiment neutral text = 0.5', Math.abs(p(tight, 2) - 0.5) < 1e-6, `p_positive=${p(tight, 2)}`);
  const same = [0, 1, 2].every((r) => Math.abs(p(tight, r) - p(padded, r)) < 1e-7);
  check('sentiment padding to 16 changes nothing', same, `logits shape ${JSON.stringify(padded.logits!.dims)}`);

  // A scaled version (as a hot-swap test would build) gives a different, sharper probability.
  const scaled = await ort.InferenceSession.create(buildSentimentModel({ scale: 2 }));
  const p2 = p(await scaled.run(batchTensors(encodings, 8)), 0);
  check('buildSentimentModel({scale: 2}) differs', p2 > p(tight, 0), `p_positive=${p2.toFixed(4)}`);
}

async function verifyRawModels(): Promise<void> {
  const run = async (model: string, feeds: Record<string, ort.Tensor>) => {
    const session = await ort.InferenceSession.create(join(DEFAULT_MODELS_DIR, model, '1', 'model.onnx'));
    return { session, out: await session.run(feeds) };
  };
  const image = (h: number, w: number) => new ort.Tensor('float32', new Float32Array(3 * h * w).fill(0.1), [1, 3, h, w]);

  const cls = await run('ocr-direction', { x: image(48, 192) });
  const probs = Object.values(cls.out)[0]!;
  const [a, b] = probs.data as Float32Array;
  check(
    'ocr-direction runs',
    probs.dims.join() === '1,2' && Math.abs(a! + b! - 1) < 1e-4,
    `${cls.session.outputNames[0]} ${JSON.stringify(probs.dims)} = [${a!.toFixed(3)}, ${b!.toFixed(3)}]`,
  );

  const det = await run('ocr-detector', { x: image(64, 96) });
  const map = Object.values(det.out)[0]!;
  check('ocr-detector runs', map.dims.join() === '1,1,64,96', `${det.session.outputNames[0]} ${JSON.stringify(map.dims)}`);

  const vad = await run('silero-vad', {
    input: new ort.Tensor('float32', new Float32Array(576), [1, 576]), // 64 samples of context + 512 new (demo/README.md)
    state: new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.from([16000n]), []),
  });
  const speech = (vad.out.output!.data as Float32Array)[0]!;
  check(
    'silero-vad runs on silence',
    speech < 0.5,
    `output ${JSON.stringify(vad.out.output!.dims)} p_speech=${speech.toFixed(4)}, stateN ${JSON.stringify(vad.out.stateN!.dims)}`,
  );
}

function encoderFeeds(batch: number, seq: number, realLength = seq) {
  const n = batch * seq;
  const ids = new BigInt64Array(n);
  const mask = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const pos = i % seq;
    ids[i] = pos < realLength ? BigInt(1000 + ((i * 7919) % 20000)) : 0n;
    mask[i] = pos < realLength ? 1n : 0n;
  }
  const dims = [batch, seq];
  return {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), dims),
  };
}

async function verifyEncoder(): Promise<void> {
  const tokenizer = new Tokenizer(buildWordPieceTokenizerJson(30522), buildWordPieceTokenizerConfig());
  const enc = tokenizer.encode('Sluice serves unbelievably quick embeddings, naïvely!', { return_token_type_ids: true });
  const ok = enc.ids[0] === 101 && enc.ids.at(-1) === 102 && !enc.ids.includes(100);
  check(
    'wordpiece tokenizer [CLS] ... [SEP], no [UNK]',
    ok,
    `tokens=${JSON.stringify(enc.tokens)} ids=${JSON.stringify(enc.ids)} types=${JSON.stringify(enc.token_type_ids)}`,
  );

  let t = performance.now();
  const bytes = buildMiniLmShapedEncoder();
  const buildMs = performance.now() - t;
  t = performance.now();
  const session = await ort.InferenceSession.create(bytes);
  check(
    'encoder builds and loads',
    true,
    `${(bytes.length / 1e6).toFixed(1)} MB built in ${buildMs.toFixed(0)} ms, loaded in ${(performance.now() - t).toFixed(0)} ms`,
  );

  const out = (await session.run(encoderFeeds(4, 16))).last_hidden_state!;
  const finite = (out.data as Float32Array).every(Number.isFinite);
  check('encoder batch 4 x seq 16', out.dims.join() === '4,16,384' && finite, JSON.stringify(out.dims));

  // Real tokens must not see padding: 10 real tokens padded to 16 vs. unpadded.
  const short = (await session.run(encoderFeeds(1, 10))).last_hidden_state!.data as Float32Array;
  const long = (await session.run(encoderFeeds(1, 16, 10))).last_hidden_state!.data as Float32Array;
  let maxDiff = 0;
  for (let i = 0; i < short.length; i++) maxDiff = Math.max(maxDiff, Math.abs(short[i]! - long[i]!));
  check('encoder padding does not change real tokens', maxDiff < 1e-4, `max |diff| = ${maxDiff.toExponential(2)}`);

  const again = buildMiniLmShapedEncoder();
  check('encoder is deterministic for a seed', Buffer.compare(Buffer.from(bytes), Buffer.from(again)) === 0);

  const big = encoderFeeds(32, 128);
  await session.run(big); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await session.run(big);
    times.push(performance.now() - t);
  }
  check('encoder batch 32 x seq 128 timing', true, `runs: ${times.map((x) => x.toFixed(0)).join(', ')} ms`);
}

await verifySentiment();
await verifyRawModels();
await verifyEncoder();
console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
