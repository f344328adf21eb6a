import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { lineBatches, lines, textLineBatches } from './lines';
import type { TextLine } from './lines';

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

describe('textLineBatches', () => {
  const flat = async (batches: AsyncIterable<TextLine[]>) => (await collect(batches)).flat();

  it('gives the lines lineBatches gives — text where UTF-8, bytes where not — at any piece boundaries', async () => {
    // bytes that make lines interesting: newlines, CRs, multi-byte characters, bytes that are never UTF-8
    const byte = fc.constantFrom(0x0a, 0x0d, 0x61, 0x7b, 0x22, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0x80);
    await fc.assert(
      fc.asyncProperty(
        fc.array(byte, { maxLength: 200 }),
        fc.array(fc.nat({ max: 200 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, cuts, blockBytes) => {
          const all = Buffer.from(bytes);
          const at = [...new Set(cuts.map((c) => Math.min(c, all.length)))].sort((a, b) => a - b);
          const split = [0, ...at, all.length].slice(1).map((end, i, ends) => all.subarray(i === 0 ? 0 : ends[i - 1], end));
          const expected = (await collect(lines(Readable.from(split)))).map(({ bytes: line, number }) =>
            isUtf8(line) ? { number, text: line.toString('utf8') } : { number, text: undefined, bytes: [...line] },
          );
          const got = (await flat(textLineBatches(Readable.from(split), { blockBytes }))).map((line) =>
            line.text !== undefined
              ? { number: line.number, text: line.text }
              : { number: line.number, text: undefined, bytes: [...line.bytes] },
          );
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodes a piece whose lines are all UTF-8 at once, and a line with a bad byte alone', async () => {
    const got = await flat(textLineBatches(pieces('{"a":"é"}\r\n\n{"b"', ':2}\n', Buffer.from([0x61, 0xff, 0x0a, 0x62, 0x0a]), 'c')));
    expect(got).toEqual([
      { number: 1, text: '{"a":"é"}' },
      { number: 3, text: '{"b":2}' },
      { number: 4, text: undefined, bytes: Buffer.from([0x61, 0xff]) },
      { number: 5, text: 'b' },
      { number: 6, text: 'c' },
    ]);
  });
});
