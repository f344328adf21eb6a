const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines (without their `\n` or `\r\n`), keeping bytes as bytes so a
 * line that is not valid UTF-8 can be told apart. Blank lines are skipped; `number` is the
 * 1-based physical line.
 */
export async function* lines(input: AsyncIterable<Buffer>): AsyncGenerator<{ bytes: Buffer; number: number }> {
  let carry: Buffer | undefined;
  let number = 0;
  for await (const piece of input) {
    let start = 0;
    let at = piece.indexOf(NEWLINE);
    while (at >= 0) {
      number++;
      let line = carry ? Buffer.concat([carry, piece.subarray(start, at)]) : piece.subarray(start, at);
      carry = undefined;
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
      if (line.length > 0) yield { bytes: line, number };
      start = at + 1;
      at = piece.indexOf(NEWLINE, start);
    }
    if (start < piece.length) carry = carry ? Buffer.concat([carry, piece.subarray(start)]) : Buffer.from(piece.subarray(start));
  }
  if (carry && carry.length > 0) {
    number++;
    const line = carry[carry.length - 1] === CR ? carry.subarray(0, -1) : carry;
    if (line.length > 0) yield { bytes: line, number };
  }
}
