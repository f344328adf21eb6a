import { KeyIndex } from './keyIndex';

/** Seeded pseudo-random keys: many repeat, some are not ASCII, one is empty. */
function keys(count: number, distinct: number, seed = 7): string[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff);
  const shapes = [(n: number) => `ORD-${n}`, (n: number) => `café-${n}`, (n: number) => `${n}\u00010${n % 3}`, (n: number) => `😀${n}`];
  return Array.from({ length: count }, () => {
    const n = next() % distinct;
    return n === 0 ? '' : shapes[n % shapes.length]!(n);
  });
}

it('finds every key where it was last put, as a Map does, across growth and after clear', () => {
  const index = new KeyIndex();
  for (const [count, distinct] of [
    [100_000, 70_000], // grows past its first 32,768 slots
    [5_000, 1_000], // after clear: nothing of the block before
  ] as const) {
    const reference = new Map<string, number>();
    let rows = 0;
    for (const key of keys(count, distinct, count)) {
      expect(index.find(key)).toBe(reference.get(key) ?? -1);
      index.put(key, rows);
      reference.set(key, rows++);
    }
    for (const [key, row] of reference) expect(index.find(key)).toBe(row);
    index.clear();
    for (const key of reference.keys()) expect(index.find(key)).toBe(-1);
  }
});

it('tells apart keys whose hashes collide in the table', () => {
  const index = new KeyIndex();
  // 40,000 short keys in a 32,768-slot table that doubles at half full: many share a first slot
  const all = Array.from({ length: 40_000 }, (_, i) => i.toString(36));
  all.forEach((key, row) => {
    expect(index.find(key)).toBe(-1);
    index.put(key, row);
  });
  all.forEach((key, row) => expect(index.find(key)).toBe(row));
  expect(index.find('not there')).toBe(-1);
});
