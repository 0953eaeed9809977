/**
 * A small byte-level BPE trainer (GPT-2 style): text is split into words with the GPT-2
 * pre-tokenization pattern, each word's UTF-8 bytes become printable characters (bytesToUnicode),
 * and the most frequent adjacent pair is merged until `merges` merges are learned or no pair
 * occurs twice. Deterministic: ties go to the pair that sorts first.
 */

/** The ByteLevel pre-tokenizer's split pattern (contractions, letters, digits, other, spaces). */
const WORD_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's byte -> character table: bytes that are printable Latin-1 stand for themselves, the
 * others (controls, space, 0x7f-0xa0, 0xad) are shifted to U+0100 onwards, so every token is
 * visible text (a leading space shows as "Ġ").
 */
export function bytesToUnicode(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const table: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) table.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
  return table;
}

export interface BpeModel {
  /** The 256 byte characters, then one token per merge, in merge order. */
  tokens: string[];
  merges: [string, string][];
}

/** Words of `corpus` as byte-level symbol sequences, with their counts. */
function countWords(corpus: string, byteChars: string[]): Map<string, number> {
  const encoder = new TextEncoder();
  const counts = new Map<string, number>();
  for (const match of corpus.matchAll(WORD_PATTERN)) {
    const word = Array.from(encoder.encode(match[0]), (b) => byteChars[b]).join('');
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

function mostFrequentPair(words: { symbols: string[]; count: number }[]): [string, string] | null {
  const pairCounts = new Map<string, number>();
  for (const { symbols, count } of words) {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = `${symbols[i]} ${symbols[i + 1]}`; // symbols never contain a space (it is "Ġ")
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
    }
  }
  let best: string | null = null;
  let bestCount = 1; // a pair seen once is not worth a token
  for (const [key, count] of pairCounts) {
    if (count > bestCount || (count === bestCount && best !== null && key < best)) {
      best = key;
      bestCount = count;
    }
  }
  return best === null ? null : (best.split(' ') as [string, string]);
}

function applyMerge(symbols: string[], [left, right]: [string, string]): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

export function trainByteLevelBpe(corpus: string, merges: number): BpeModel {
  const byteChars = bytesToUnicode();
  const words = Array.from(countWords(corpus, byteChars), ([word, count]) => ({ symbols: Array.from(word), count }));
  const model: BpeModel = { tokens: [...byteChars], merges: [] };
  const known = new Set(model.tokens);
  while (model.merges.length < merges) {
    const pair = mostFrequentPair(words);
    if (pair === null) break;
    for (const word of words) word.symbols = applyMerge(word.symbols, pair);
    model.merges.push(pair);
    const token = pair[0] + pair[1];
    if (!known.has(token)) {
      known.add(token);
      model.tokens.push(token);
    }
  }
  return model;
}
