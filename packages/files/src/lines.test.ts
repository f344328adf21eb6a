import { Readable } from 'node:stream';
import { lineBatches, lines } from './lines';

const pieces = (...texts: (string | Buffer)[]) => Readable.from(texts.map((t) => (typeof t === 'string' ? Buffer.from(t) : t)));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('lines', () => {
  it('splits on \\n and \\r\\n across pieces, skipping blank lines but counting them', async () => {
    const got = await collect(lines(pieces('{"a":1}\r\n\n{"b"', ':2}\n', '\n{"c":3}')));
    expect(got.map(({ bytes, number }) => [bytes.toString(), number])).toEqual([
      ['{"a":1}', 1],
      ['{"b":2}', 3],
      ['{"c":3}', 5],
    ]);
  });

  it('keeps bytes that are not UTF-8 as they are', async () => {
    const [line] = await collect(lines(pieces(Buffer.from([0x61, 0xff, 0x0a]))));
    expect([...line!.bytes]).toEqual([0x61, 0xff]);
  });

  it('yields the lines that end in one piece together, and a line split over pieces once', async () => {
    const batches = await collect(lineBatches(pieces('a\nb\nc', 'c\n', 'd')));
    expect(batches.map((batch) => batch.map((l) => l.bytes.toString()))).toEqual([['a', 'b'], ['cc'], ['d']]);
  });
});
