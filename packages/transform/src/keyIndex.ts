import { RowTexts } from './rowTexts';

const FIRST_SLOTS = 1 << 15;

/**
 * Which row of a block holds a key: an open-addressing hash table of row numbers, the keys kept
 * as UTF-8 bytes off the garbage-collected heap; a row costs a hash of its key, a probe and the
 * key's bytes, and a key is decoded again only when its 32-bit hash matches a stored one (a
 * duplicate, or a rare collision).
 *
 * Why not a `Map<string, number>`: its tables grew afresh every block and it held every key
 * string alive until the block ended, so each was copied out of the young generation.
 * `pnpm bench transform --runs 5`, 200,000 rows, contender: Map 1,527–1,567 ms; this 1,459–1,487;
 * this with the key strings kept in an array instead of bytes 1,517–1,673; no index at all (the
 * cost of any) 1,312–1,384.
 */
export class KeyIndex {
  /** Row number per slot, -1 for empty; sized to stay at most half full. */
  private slots = new Int32Array(FIRST_SLOTS).fill(-1);
  /** Row r's key hash, and its key. */
  private hashes: number[] = [];
  private readonly keys = new RowTexts(1 << 16);
  private filled = 0;
  /** Where the last `find` stopped: the key's slot, or the empty slot it would go to. */
  private slot = -1;
  private hash = 0;

  /** The row holding `key`, or -1; remembers where it looked for the `put` that follows. */
  find(key: string): number {
    let hash = 0x811c9dc5; // FNV-1a over the UTF-16 units
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    hash ^= hash >>> 16;
    this.hash = hash;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot]!;
      if (row < 0 || (this.hashes[row] === hash && this.keys.get(row) === key)) {
        this.slot = slot;
        return row;
      }
    }
  }

  /** Puts row `row` (the next row: rows are numbered from 0, each put once) under the key the last `find` looked for. */
  put(key: string, row: number): void {
    if (this.slots[this.slot]! < 0) this.filled++;
    this.slots[this.slot] = row;
    this.hashes[row] = this.hash;
    this.keys.push(key);
    if (this.filled * 2 > this.slots.length) this.grow();
  }

  /** Empties the index for the next block; its memory stays. */
  clear(): void {
    this.slots.fill(-1);
    this.hashes = [];
    this.keys.clear();
    this.filled = 0;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (const row of old) {
      if (row < 0) continue;
      let slot = this.hashes[row]! & mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = row;
    }
  }
}
