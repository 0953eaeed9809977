/**
 * Writes real ONNX models into a repository directory for the batching, backpressure and OpenAI tests (and the
 * bench): the MiniLM-shaped encoder with its tokenizer as a text-embedding model, and a tiny raw Gather
 * model whose out-of-range ids make ONNX Runtime fail a run (to prove one bad request spares its batch-mates).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildMiniLmShapedEncoder, buildWordPieceTokenizerConfig, buildWordPieceTokenizerJson } from '../../demo/minilm-encoder.js';
import { makeInitializer, makeModel, makeNode, makeTensorValueInfo, serialize } from '../../demo/onnx-builder.js';

export interface DynamicBatchingJson {
  enabled?: boolean;
  max_batch_size?: number;
  max_queue_delay_microseconds?: number;
  max_queue_size?: number;
}

function writeModel(
  dir: string,
  name: string,
  onnx: Uint8Array,
  config: Record<string, unknown>,
  extraFiles: Record<string, object> = {},
): void {
  mkdirSync(path.join(dir, name, '1'), { recursive: true });
  writeFileSync(path.join(dir, name, '1', 'model.onnx'), onnx);
  writeFileSync(path.join(dir, name, 'config.json'), JSON.stringify(config, null, 2));
  for (const [file, json] of Object.entries(extraFiles)) writeFileSync(path.join(dir, name, file), JSON.stringify(json));
}

/** A text-embedding model: the MiniLM-shaped encoder (smaller hidden size by default, to keep tests fast). */
export function writeEncoderModel(
  dir: string,
  name: string,
  options: {
    hiddenSize?: number;
    layers?: number;
    maxSequenceLength?: number;
    dynamicBatching?: DynamicBatchingJson;
    instances?: number;
    encoder?: Uint8Array;
  } = {},
): void {
  const onnx = options.encoder ?? buildMiniLmShapedEncoder({ hiddenSize: options.hiddenSize ?? 64, layers: options.layers ?? 1 });
  writeModel(
    dir,
    name,
    onnx,
    {
      task: 'text-embedding',
      tokenizer: 'tokenizer.json',
      max_sequence_length: options.maxSequenceLength ?? 128,
      ...(options.instances ? { instances: options.instances } : {}),
      ...(options.dynamicBatching ? { dynamic_batching: options.dynamicBatching } : {}),
    },
    { 'tokenizer.json': buildWordPieceTokenizerJson(), 'tokenizer_config.json': buildWordPieceTokenizerConfig() },
  );
}

export const LOOKUP_TABLE_ROWS = 10;
export const LOOKUP_WIDTH = 3;

/** Value of the lookup table at (row, column): what a correct run returns for id `row`. */
export function lookupValue(row: number, column: number): number {
  return row * 10 + column;
}

/** A raw model: ids int64 [batch, n] -> Gather(table[10, 3], ids) float32 [batch, n, 3]. Ids >= 10 make ORT fail. */
export function writeLookupModel(
  dir: string,
  name: string,
  options: { dynamicBatching?: DynamicBatchingJson; instances?: number } = {},
): void {
  const table: number[] = [];
  for (let row = 0; row < LOOKUP_TABLE_ROWS; row++)
    for (let column = 0; column < LOOKUP_WIDTH; column++) table.push(lookupValue(row, column));
  const onnx = serialize(
    makeModel({
      name: 'lookup',
      inputs: [makeTensorValueInfo('ids', 'int64', ['batch', 'n'])],
      outputs: [makeTensorValueInfo('values', 'float32', ['batch', 'n', LOOKUP_WIDTH])],
      initializers: [makeInitializer('table', 'float32', [LOOKUP_TABLE_ROWS, LOOKUP_WIDTH], table)],
      nodes: [makeNode('Gather', ['table', 'ids'], ['values'], { axis: 0 })],
    }),
  );
  writeModel(dir, name, onnx, {
    task: 'raw',
    ...(options.instances ? { instances: options.instances } : {}),
    ...(options.dynamicBatching ? { dynamic_batching: options.dynamicBatching } : {}),
  });
}

/** Reads one labelled value of a Prometheus counter from /metrics text. */
export function counterValue(metricsText: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
