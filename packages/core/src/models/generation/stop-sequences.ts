/**
 * Stop strings (OpenAI's `stop`): the generated text ends just before the first occurrence of any of them.
 * While streaming, text that could be the start of a stop string is held back until it is known not to be.
 */
export class StopSequences {
  private text = '';
  private sent = 0;
  private readonly longest: number;

  constructor(private readonly stops: string[]) {
    this.longest = stops.reduce((max, s) => Math.max(max, s.length), 0);
  }

  /** Adds decoded text; returns what may be sent now and whether a stop string was reached. */
  push(delta: string): { text: string; stopped: boolean } {
    this.text += delta;
    if (this.stops.length === 0) return this.take(this.text.length, false);
    const searchFrom = Math.max(0, this.sent - this.longest);
    let at = -1;
    for (const stop of this.stops) {
      const index = this.text.indexOf(stop, searchFrom);
      if (index >= 0 && (at < 0 || index < at)) at = index;
    }
    if (at >= 0) {
      this.text = this.text.slice(0, at);
      return this.take(at, true);
    }
    return this.take(Math.max(this.sent, this.text.length - (this.longest - 1)), false);
  }

  /** The text held back, at the end. */
  flush(): string {
    return this.take(this.text.length, false).text;
  }

  get fullText(): string {
    return this.text;
  }

  private take(upTo: number, stopped: boolean): { text: string; stopped: boolean } {
    // Never cut between the two halves of a surrogate pair.
    const code = this.text.charCodeAt(upTo - 1);
    if (upTo < this.text.length && code >= 0xd800 && code <= 0xdbff) upTo--;
    const text = this.text.slice(this.sent, upTo);
    this.sent = Math.max(this.sent, upTo);
    return { text, stopped };
  }
}
