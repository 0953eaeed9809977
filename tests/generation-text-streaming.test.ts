/**
 * Streaming text out of tokens with the real byte-level BPE tokenizers of the test decoders: multi-byte
 * characters split over several tokens never come out broken, and the deltas concatenated are exactly the
 * decoding of all the tokens (nothing dropped, nothing repeated); stop strings cut the text before their
 * first occurrence even when it spans deltas, and hold back only what could start one.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { DECODER_FAMILIES, buildTokenizerFiles } from '../demo/decoder/index.js';
import { StopSequences } from '../packages/core/src/models/generation/stop-sequences.js';
import { StreamDetokenizer } from '../packages/core/src/models/generation/stream-detokenizer.js';

const TEXTS = [
  'Grüße aus Köln — café, naïve, façade.',
  '日本語のテキストと中文字符混在。',
  'Emoji: 🦦🌊👩‍👩‍👧 and flags 🇫🇷🇯🇵 in a row',
  'Plain ASCII with  double  spaces and\nnew lines\n\n',
  'Ελληνικά, русский, עברית, العربية',
];

describe('streaming detokenization', () => {
  it.each(DECODER_FAMILIES)('%s tokenizer: deltas are whole characters and add up to the full decoding', (family) => {
    const files = buildTokenizerFiles(family, { merges: 400 });
    const tokenizer = new Tokenizer(files.tokenizerJson as never, files.tokenizerConfig as never);
    const decode = (ids: number[]) => (ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: true }));
    for (const text of TEXTS) {
      const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
      expect(ids.length).toBeGreaterThan([...text].length / 4); // byte-level: many characters span tokens
      const detokenizer = new StreamDetokenizer(decode);
      const deltas = ids.map((id: number) => detokenizer.push(id));
      deltas.push(detokenizer.flush());
      for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
      expect(deltas.join('')).toBe(decode(ids));
      expect(deltas.join('')).toBe(text);
    }
  });

  it('holds back an incomplete character and emits it once complete', () => {
    const files = buildTokenizerFiles('llama', { merges: 0 });
    const tokenizer = new Tokenizer(files.tokenizerJson as never, files.tokenizerConfig as never);
    const ids = tokenizer.encode('🦦', { add_special_tokens: false }).ids;
    expect(ids.length).toBe(4); // four UTF-8 bytes, one token each without merges
    const detokenizer = new StreamDetokenizer((tokens) => tokenizer.decode(tokens));
    expect(ids.map((id: number) => detokenizer.push(id))).toEqual(['', '', '', '🦦']);
  });
});

describe('stop strings', () => {
  function run(stops: string[], deltas: string[]) {
    const stopper = new StopSequences(stops);
    const sent: string[] = [];
    let stopped = false;
    for (const delta of deltas) {
      const result = stopper.push(delta);
      sent.push(result.text);
      if (result.stopped) {
        stopped = true;
        break;
      }
    }
    if (!stopped) sent.push(stopper.flush());
    return { text: sent.join(''), stopped, full: stopper.fullText, sent };
  }

  it('cuts before the first stop string, even split over deltas', () => {
    expect(run(['END'], ['abc E', 'N', 'D more'])).toMatchObject({ text: 'abc ', stopped: true, full: 'abc ' });
    expect(run(['\n\n', 'x'], ['one\n', '\ntwo x'])).toMatchObject({ text: 'one', stopped: true });
  });

  it('sends everything when no stop string appears, holding back at most the longest stop minus one', () => {
    const result = run(['STOP'], ['hello ', 'wor', 'ld', ' STO', 'RY']);
    expect(result).toMatchObject({ text: 'hello world STORY', stopped: false });
    expect(result.sent[0]).toBe('hel'); // "lo " could not start "STOP", but only 3 characters are held
  });

  it('never splits a surrogate pair', () => {
    const result = run(['zz'], ['a🦦', 'b']);
    for (const part of result.sent) expect(part).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(result.text).toBe('a🦦b');
  });
});
