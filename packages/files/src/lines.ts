const NEWLINE = 0x0a;
const CR = 0x0d;

/** One line of a byte stream: its bytes (without `\n` or `\r\n`) and its 1-based physical line number. */
export interface Line {
  bytes: Buffer;
  number: number;
}

/**
 * Splits a byte stream into lines, keeping bytes as bytes so a line that is not valid UTF-8 can
 * be told apart. Yields the lines that end in each piece of input together — one await per piece,
 * not per line, which is what a hot loop over millions of lines wants. Blank lines are skipped.
 */
export async function* lineBatches(input: AsyncIterable<Buffer>): AsyncGenerator<Line[]> {
  let carry: Buffer | undefined;
  let number = 0;
  for await (const piece of input) {
    const batch: Line[] = [];
    let start = 0;
    let at = piece.indexOf(NEWLINE);
    while (at >= 0) {
      number++;
      let line = carry ? Buffer.concat([carry, piece.subarray(start, at)]) : piece.subarray(start, at);
      carry = undefined;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
      if (line.length > 0) batch.push({ bytes: line, number });
      start = at + 1;
      at = piece.indexOf(NEWLINE, start);
    }
    if (start < piece.length) carry = carry ? Buffer.concat([carry, piece.subarray(start)]) : Buffer.from(piece.subarray(start));
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length > 0) {
    number++;
    const line = carry[carry.length - 1] === CR ? carry.subarray(0, -1) : carry;
    if (line.length > 0) yield [{ bytes: line, number }];
  }
}

/** {@link lineBatches}, one line at a time. */
export async function* lines(input: AsyncIterable<Buffer>): AsyncGenerator<Line> {
  for await (const batch of lineBatches(input)) yield* batch;
}
