/** The id a tokenizer.json pads with, for padding across requests; the text tasks pad within one the same way. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

interface TokenizerJson {
  padding?: { pad_id?: number } | null;
  model?: { vocab?: Record<string, number> | [string, number][] };
}

export async function readPadTokenId(modelDirectory: string, tokenizerFile: string): Promise<number> {
  const json = JSON.parse(await readFile(path.join(modelDirectory, tokenizerFile), 'utf8')) as TokenizerJson;
  if (typeof json.padding?.pad_id === 'number') return json.padding.pad_id;
  const vocab = json.model?.vocab;
  if (vocab && !Array.isArray(vocab)) return vocab['[PAD]'] ?? vocab['<pad>'] ?? 0;
  if (Array.isArray(vocab)) {
    const index = vocab.findIndex(([token]) => token === '[PAD]' || token === '<pad>');
    if (index >= 0) return index; // Unigram vocabularies are [token, score] lists indexed by id
  }
  return 0;
}
