/**
 * One text per row, kept as UTF-8 off the garbage-collected heap (a block's keys, its ranks): a
 * row costs its bytes, not a string the collector must copy out of the young generation; a text
 * is decoded again only when asked for (rarely: a key that comes again). The buffer stays from
 * block to block.
 */
export class RowTexts {
  private bytes: Buffer = Buffer.alloc(0);
  private used = 0;
  /** Row r's text is bytes[starts[r], ends[r]); a null text ends at -1. */
  private starts: number[] = [];
  private ends: number[] = [];

  /** @param firstBytes the buffer's size when the first text comes (allocated then: an empty block costs none) */
  constructor(private readonly firstBytes: number) {}

  /** Appends the next row's text. */
  push(text: string | null): void {
    this.starts.push(this.used);
    if (text === null) {
      this.ends.push(-1);
      return;
    }
    if (this.used + text.length * 3 > this.bytes.length) this.bytes = grown(this.bytes, this.used, text.length * 3, this.firstBytes);
    this.used += this.bytes.write(text, this.used, 'utf8');
    this.ends.push(this.used);
  }

  /** Row `row`'s text. */
  get(row: number): string | null {
    const end = this.ends[row]!;
    return end < 0 ? null : this.bytes.toString('utf8', this.starts[row], end);
  }

  /** Empties it for the next block; its buffer stays. */
  clear(): void {
    this.used = 0;
    this.starts = [];
    this.ends = [];
  }
}

/** A buffer with room for `atLeast` more bytes after its first `used`, which it keeps; never smaller than `least`. */
export function grown(bytes: Buffer, used: number, atLeast: number, least: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.max(bytes.length * 2, used + atLeast, least));
  bytes.copy(bigger, 0, 0, used);
  return bigger;
}
