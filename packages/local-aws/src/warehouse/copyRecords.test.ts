import fc from 'fast-check';
import { Readable } from 'node:stream';
import { recordAtLine, recordChunks, recordText, withoutRecord } from './copyRecords';
import type { RecordChunk } from './copyRecords';

async function chunksOf(input: string[], options: Partial<Parameters<typeof recordChunks>[1]> = {}): Promise<RecordChunk[]> {
  const chunks: RecordChunk[] = [];
  const source = Readable.from(input.map((piece) => Buffer.from(piece)));
  for await (const chunk of recordChunks(source, { format: 'csv', quote: '"', ignoreHeader: 0, chunkBytes: 1 << 20, ...options }))
    chunks.push(chunk);
  return chunks;
}

describe('recordChunks', () => {
  it('keeps a quoted newline inside its record and counts physical lines, across input pieces', async () => {
    const [chunk] = await chunksOf(['id,note\n1,"two\nlines"\n2,', 'plain\n3,"a ""quoted"" word"'], { ignoreHeader: 1 });
    expect(chunk!.fileLines).toEqual([2, 4, 5]);
    expect(chunk!.chunkLines).toEqual([1, 3, 4]);
    expect(recordText(chunk!, 0)).toBe('1,"two\nlines"');
    expect(recordText(chunk!, 2)).toBe('3,"a ""quoted"" word"');
  });

  it('splits into chunks only between records', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${i},"row\n${i}"\n`);
    const chunks = await chunksOf(rows, { chunkBytes: 200 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flatMap((c) => c.fileLines)).toEqual(Array.from({ length: 100 }, (_, i) => 2 * i + 1));
    expect(Buffer.concat(chunks.map((c) => c.data)).toString()).toBe(rows.join(''));
  });

  it('treats a backslash-escaped newline as data in the text format', async () => {
    const [chunk] = await chunksOf(['1|a\\\nb\n2|c\n'], { format: 'text' });
    expect(chunk!.fileLines).toEqual([1, 3]);
  });

  it('maps an error line back to its record and can drop that record', async () => {
    const [chunk] = await chunksOf(['1,"x\ny"\n2,bad\n3,z\n']);
    const index = recordAtLine(chunk!, 3)!;
    expect(recordText(chunk!, index)).toBe('2,bad');
    const rest = withoutRecord(chunk!, index);
    expect(rest.data.toString()).toBe('1,"x\ny"\n3,z\n');
    expect(rest.chunkLines).toEqual([1, 3]);
    expect(rest.fileLines).toEqual([1, 4]);
  });

  it('converts JSON Lines through the converter and skips blank lines', async () => {
    const [chunk] = await chunksOf(['{"a":1}\n\n{"a":2}'], {
      format: 'json',
      jsonToCsv: (line) => `${(JSON.parse(line) as { a: number }).a}\n`,
    });
    expect(chunk!.data.toString()).toBe('1\n2\n');
    expect(chunk!.fileLines).toEqual([1, 3]);
  });
});

describe('recordChunks, over any input and any way it comes in pieces', () => {
  const field = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', ',', ' ') }),
    fc.string({ unit: fc.constantFrom('a', '"', ',', '\n', '\r') }).map((text) => `"${text.replace(/"/g, '""')}"`),
  );
  const record = fc.array(field, { minLength: 1, maxLength: 4 }).map((fields) => `${fields.join(',')}\n`);

  it('finds the same records, lines and bytes as one walk over the whole text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), async (records, cuts) => {
        const text = records.join('');
        const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((start, k) => text.slice(start, at[k] ?? text.length)).filter((piece) => piece !== '');
        const chunks = await chunksOf(pieces, { chunkBytes: 16 });
        // every record that is not a blank line, where a walk over the whole text starts it
        const expected: number[] = [];
        let line = 1;
        for (const one of records) {
          if (one !== '\n') expected.push(line);
          line += one.split('\n').length - 1;
        }
        expect(chunks.flatMap((chunk) => chunk.fileLines)).toEqual(expected);
        expect(chunks.flatMap((chunk) => chunk.starts.map((_, index) => `${recordText(chunk, index)}\n`))).toEqual(
          records.filter((one) => one !== '\n'),
        );
        expect(Buffer.concat(chunks.map((chunk) => chunk.data)).toString()).toBe(records.filter((one) => one !== '\n').join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('puts a rewritten record in its place and names it as the file had it, wherever the pieces break', async () => {
    const rewrite = (text: string) => text.replace(/,,/g, ',X,');
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), async (records, cuts) => {
        const text = records.join('');
        const at = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((start, k) => text.slice(start, at[k] ?? text.length)).filter((piece) => piece !== '');
        const chunks = await chunksOf(pieces, {
          chunkBytes: 16,
          rewriteRecord: (bytes, start, end) => {
            const one = bytes.toString('utf8', start, end);
            return rewrite(one) === one ? undefined : Buffer.from(rewrite(one));
          },
        });
        const kept = records.filter((one) => one !== '\n');
        expect(Buffer.concat(chunks.map((chunk) => chunk.data)).toString()).toBe(kept.map(rewrite).join(''));
        expect(chunks.flatMap((chunk) => chunk.starts.map((_, index) => `${recordText(chunk, index)}\n`))).toEqual(kept);
      }),
      { numRuns: 300 },
    );
  });
});
