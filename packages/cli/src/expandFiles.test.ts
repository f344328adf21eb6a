import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandFiles } from './expandFiles';

describe('expandFiles', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'files-'));
  for (const name of ['b.jsonl', 'a.jsonl', 'c.csv.gz']) writeFileSync(path.join(dir, name), '');

  it('expands a glob, sorted, and keeps plain paths once', () =>
    expect(expandFiles([path.join(dir, '*.jsonl'), path.join(dir, 'a.jsonl'), path.join(dir, 'c.csv.gz')])).toEqual(
      ['a.jsonl', 'b.jsonl', 'c.csv.gz'].map((name) => path.join(dir, name)),
    ));
  it('names a path or a glob that finds nothing', () => {
    expect(() => expandFiles([path.join(dir, 'nope.csv')])).toThrow(/nope\.csv: no such file/);
    expect(() => expandFiles([path.join(dir, '*.txt')])).toThrow(/\*\.txt: no file matches/);
  });
});
