import { DedupeBlock } from './dedupeBlock';
import type { Ranking } from './dedupeBlock';

const laterWins: Ranking = { compareRanks: () => 1 };
const higherRank: Ranking = { compareRanks: (candidate, current) => ((candidate ?? '') > (current ?? '') ? 1 : -1) };

describe('DedupeBlock', () => {
  it('keeps rows in arrival order and collapses a key to the newest version', () => {
    const block = new DedupeBlock(higherRank);
    expect(block.add('a', '1', 'a,1')).toBe(true);
    expect(block.add('b', '1', 'b,1')).toBe(true);
    expect(block.add('a', '3', 'a,3')).toBe(false); // replaces a,1
    expect(block.add('c', '1', 'c,1')).toBe(true);
    expect(block.add('a', '2', 'a,2')).toBe(false); // older than a,3: dropped
    expect(block.take().toString()).toBe('b,1\na,3\nc,1\n');
  });

  it('closes the gaps of replaced rows at the start, middle and end, and starts empty after take', () => {
    const block = new DedupeBlock(laterWins);
    for (const [key, line] of [
      ['x', 'x1'],
      ['y', 'y1'],
      ['x', 'x2'],
      ['z', 'zé'],
      ['y', 'y2'],
      ['z', 'z2'],
    ])
      block.add(key!, null, line!);
    expect(block.take().toString()).toBe('x2\ny2\nz2\n');
    expect(block.rows).toBe(0);
    block.add('x', null, 'again');
    expect(block.take().toString()).toBe('again\n');
  });

  it('grows past its first buffer without losing bytes', () => {
    const block = new DedupeBlock(laterWins);
    const long = 'é'.repeat(1 << 20);
    for (let i = 0; i < 5; i++) block.add(String(i), null, long);
    const bytes = block.take();
    expect(bytes.length).toBe(5 * (Buffer.byteLength(long) + 1));
    expect(bytes.toString()).toBe(`${long}\n`.repeat(5));
  });

  it('fills two buffers in turn: bytes handed over stay intact until the next take', () => {
    const block = new DedupeBlock(laterWins);
    block.add('a', null, 'first');
    const first = block.take();
    block.add('b', null, 'second');
    expect(first.toString()).toBe('first\n'); // the next block went into the other buffer
    const second = block.take();
    block.add('c', null, 'third');
    expect(second.toString()).toBe('second\n');
    const third = block.take();
    expect(third.toString()).toBe('third\n');
    expect(third.buffer).toBe(first.buffer); // the first block's buffer again: reused, not allocated
  });

  it('reads ranks back as they were given — null, non-ASCII, long — in every block', () => {
    const seen: [string | null, string | null][] = [];
    const block = new DedupeBlock({
      compareRanks: (candidate, current) => {
        seen.push([candidate, current]);
        return 1;
      },
    });
    const long = 'ü'.repeat(3 << 20); // past the rank buffer's first size
    for (let round = 0; round < 2; round++) {
      block.add('a', null, 'a1');
      block.add('b', 'é2026', 'b1');
      block.add('c', long, 'c1');
      block.add('a', 'x', 'a2');
      block.add('b', null, 'b2');
      block.add('c', 'y', 'c2');
      expect(block.take().toString()).toBe('a2\nb2\nc2\n');
    }
    const expected: [string | null, string | null][] = [
      ['x', null],
      [null, 'é2026'],
      ['y', long],
    ];
    expect(seen).toEqual([...expected, ...expected]);
  });

  it("on a tie of ranks, compares the two rows' lines — the earlier one read back from the buffer, wherever it sits", () => {
    const lines: [string, string][] = [];
    const block = new DedupeBlock({
      compareRanks: (candidate, current) => (candidate === current ? 0 : candidate! > current! ? 1 : -1),
      compareLines: (candidate, current) => (lines.push([candidate, current]), candidate > current ? 1 : candidate < current ? -1 : 0),
    });
    block.add('a', '1', 'a,1,m');
    block.add('b', '1', 'b,1,é');
    block.add('a', '1', 'a,1,z'); // tie, greater: replaces a,1,m
    block.add('b', '1', 'b,1,a'); // tie, smaller: collapses
    block.add('a', '1', 'a,1,z'); // the same row again: collapses
    block.add('b', '2', 'b,2,a'); // newer: no line compared
    expect(block.take().toString()).toBe('a,1,z\nb,2,a\n');
    expect(lines).toEqual([
      ['a,1,z', 'a,1,m'],
      ['b,1,a', 'b,1,é'],
      ['a,1,z', 'a,1,z'],
    ]);
  });
});
