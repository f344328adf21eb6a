import fc from 'fast-check';
import { pageItemRanges } from './pageItems';

const slices = (page: Buffer, ranges: number[]) =>
  Array.from({ length: ranges.length / 2 }, (_, k) => page.subarray(ranges[2 * k]!, ranges[2 * k + 1]!).toString('utf8'));

/** Text that trips a scanner: quotes, backslashes (runs of them before a quote), brackets, non-ASCII. */
const awkwardText = fc.string({ unit: fc.constantFrom('"', '\\', '\\\\', '[', ']', '{', '}', ',', ':', 'a', 'é', '😀', '\n', ' ') });
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardText,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(awkwardText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('pageItemRanges', () => {
  it("finds each item's exact text, whatever the items hold and however the page is spaced", () => {
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 8 }),
        fc.dictionary(awkwardText, value, { maxKeys: 3 }),
        fc.constantFrom(undefined, 1, 2, '\t'),
        (items, others, indent) => {
          const page = Buffer.from(JSON.stringify({ ...others, items, next: 'c2' }, null, indent));
          const ranges = pageItemRanges(page, 'items');
          expect(ranges).toBeDefined();
          const texts = slices(page, ranges!);
          // each slice is the item JSON.parse reads from the page (JSON writes -0 as 0, so not `items` itself)
          const parsed = (JSON.parse(page.toString('utf8')) as { items: unknown[] }).items;
          expect(texts.map((text) => JSON.parse(text) as unknown)).toEqual(parsed);
          // each is the item's own text: as the page wrote it, nothing around it
          texts.forEach((text) => expect(text).toBe(text.trim()));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds -0 as the page wrote it', () => {
    const page = Buffer.from('{"items":[-0,0,-0.0e0]}');
    expect(slices(page, pageItemRanges(page, 'items')!)).toEqual(['-0', '0', '-0.0e0']);
  });

  it('keeps the bytes of numbers and escapes as the source wrote them', () => {
    const page = Buffer.from('{"items":[ {"p":0.12499999999999999999,"e":1e309,"s":"\\u00e9\\"\\\\"} ,2.50E+1, "x\\\\"]}');
    expect(slices(page, pageItemRanges(page, 'items')!)).toEqual([
      '{"p":0.12499999999999999999,"e":1e309,"s":"\\u00e9\\"\\\\"}',
      '2.50E+1',
      '"x\\\\"',
    ]);
  });

  it('reads the key as JSON.parse does: escaped, or given twice (the last counts)', () => {
    const escaped = Buffer.from('{"\\u0069tems":[1,2]}');
    expect(slices(escaped, pageItemRanges(escaped, 'items')!)).toEqual(['1', '2']);
    const twice = Buffer.from('{"items":[1],"items":[3,4]}');
    expect(slices(twice, pageItemRanges(twice, 'items')!)).toEqual(['3', '4']);
    expect(pageItemRanges(Buffer.from('{"items":[1],"items":null}'), 'items')).toBeUndefined();
  });

  it('keeps bytes that are not UTF-8 where they are', () => {
    const page = Buffer.concat([Buffer.from('{"items":[{"name":"a'), Buffer.from([0xff, 0x62]), Buffer.from('"}]}')]);
    const [start, end] = pageItemRanges(page, 'items')!;
    expect(page.subarray(start, end)).toEqual(Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff, 0x62]), Buffer.from('"}')]));
  });

  it('finds nothing where there is no such array', () => {
    expect(pageItemRanges(Buffer.from('{"items":{}}'), 'items')).toBeUndefined();
    expect(pageItemRanges(Buffer.from('{"other":[1]}'), 'items')).toBeUndefined();
    expect(pageItemRanges(Buffer.from('[1,2]'), 'items')).toBeUndefined();
    expect(pageItemRanges(Buffer.from('{"items":[1,'), 'items')).toBeUndefined();
    expect(pageItemRanges(Buffer.from('{"items":[]}'), 'items')).toEqual([]);
  });
});
