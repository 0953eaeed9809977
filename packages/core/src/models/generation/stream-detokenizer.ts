/**
 * Streaming detokenization: turns tokens, one at a time, into text deltas that never split a UTF-8
 * character and, concatenated, equal the decoding of all the tokens. Byte-level BPE tokens may each hold
 * part of a character, and decoders may strip or join across tokens, so a token cannot be decoded alone: the
 * decoder re-decodes a short window (from the last emitted boundary) and emits the new stable suffix, holding
 * it back while it ends in U+FFFD (an incomplete byte sequence). The window keeps each step's cost bounded.
 */
export type Decode = (tokens: number[]) => string;

export class StreamDetokenizer {
  private readonly tokens: number[] = [];
  /** Start of the window re-decoded each time. */
  private windowStart = 0;
  /** Tokens up to here have been emitted. */
  private emittedUpTo = 0;

  constructor(private readonly decode: Decode) {}

  /** The text this token completes ('' while a character is still incomplete). */
  push(token: number): string {
    this.tokens.push(token);
    const before = this.text(this.windowStart, this.emittedUpTo);
    const now = this.text(this.windowStart, this.tokens.length);
    // (If a decoder rewrote the emitted part, e.g. a clean-up joining " ." into ".", what was sent stays sent
    // and the stream goes on after as many characters: nothing is held back for ever.)
    if (now.length <= before.length || now.endsWith('\uFFFD')) return '';
    this.windowStart = this.emittedUpTo;
    this.emittedUpTo = this.tokens.length;
    return now.slice(before.length);
  }

  /** At the end: whatever is still held back (an incomplete character decodes as U+FFFD). */
  flush(): string {
    const before = this.text(this.windowStart, this.emittedUpTo);
    const now = this.text(this.windowStart, this.tokens.length);
    this.windowStart = this.emittedUpTo = this.tokens.length;
    return now.slice(before.length);
  }

  private text(from: number, to: number): string {
    return from >= to ? '' : this.decode(this.tokens.slice(from, to));
  }
}
