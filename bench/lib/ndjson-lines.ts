// Splits a stream of text chunks into complete newline-terminated lines, carrying a partial last
// line over to the next chunk — a streaming watch's chunk boundaries fall anywhere in an event.

export class LineSplitter {
  private carry = '';

  /** Bytes of an unterminated line above which the stream is treated as broken. */
  constructor(private readonly maxLineChars = 16 * 1024 * 1024) {
    if (!(Number.isInteger(maxLineChars) && maxLineChars > 0)) throw new RangeError(`maxLineChars must be a positive integer, got ${maxLineChars}`);
  }

  /** The complete lines this chunk finishes, without their '\n' (a trailing '\r' is dropped too); empty lines are skipped. */
  push(chunk: string): string[] {
    const text = this.carry + chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      let end = nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--;
      if (end > start) lines.push(text.slice(start, end));
      start = nl + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > this.maxLineChars) {
      const n = this.carry.length;
      this.carry = '';
      throw new Error(`a line grew past ${this.maxLineChars} characters without a newline (${n})`);
    }
    return lines;
  }

  /** Characters received after the last newline. */
  get pending(): number {
    return this.carry.length;
  }
}
