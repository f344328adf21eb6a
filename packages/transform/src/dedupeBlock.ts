import { KeyIndex } from './keyIndex';
import { grown, RowTexts } from './rowTexts';

const INITIAL_BYTES = 1 << 22;

/**
 * How a later row of a key compares with the earlier one: > 0 replaces it, ≤ 0 collapses into it.
 * Ranks first; the rows' lines only on a tie of ranks (rare: they are read back from the buffer).
 */
export interface Ranking {
  compareRanks(candidate: string | null, current: string | null): number;
  compareLines?(candidate: string, current: string): number;
}

/**
 * A block of staged rows deduplicated on their key: each row's CSV line is encoded straight into
 * one off-heap buffer, its rank into a {@link RowTexts} and its key into a {@link KeyIndex}, so
 * holding tens of thousands of rows costs the garbage collector nothing per row (ranks and keys
 * are read back, rarely, when a key comes again). A later row with the same key replaces the
 * earlier one when the {@link Ranking} says so, else it is dropped; either way one duplicate is
 * collapsed.
 *
 * Two buffers take turns: the rows of one block are handed over while the next block fills the
 * other, so a buffer is reused rather than allocated per block (fresh memory costs a page fault
 * per 4 KiB on first write: ~5 × the cost of writing the rows, measured). The bytes `take()`
 * returns must therefore be done with — written out — before `take()` is called again.
 */
export class DedupeBlock {
  // allocated on the first row: an empty file (or one block only) costs no (spare) buffer
  private bytes: Buffer = Buffer.alloc(0);
  /** The buffer of the block handed over last: the next block after that one fills it. */
  private spare: Buffer = Buffer.alloc(0);
  private used = 0;
  /** Row i's line is bytes[starts[i], starts[i + 1]) (the last ends at `used`); -1 marks a replaced row. */
  private starts: number[] = [];
  /** Row i's rank. */
  private readonly ranks = new RowTexts(INITIAL_BYTES);
  private readonly positions = new KeyIndex();

  constructor(private readonly ranking: Ranking) {}

  get rows(): number {
    return this.starts.length;
  }

  /**
   * Adds a row: its key, its rank, its CSV line without the newline (the block ends the line).
   * Returns false when it collapsed into (or lost to) an earlier row of its key.
   */
  add(key: string, rank: string | null, csvLine: string): boolean {
    const earlier = this.positions.find(key);
    let kept = true;
    if (earlier >= 0) {
      kept = false;
      let order = this.ranking.compareRanks(rank, this.ranks.get(earlier));
      if (order === 0 && this.ranking.compareLines) order = this.ranking.compareLines(csvLine, this.lineOf(earlier));
      if (order <= 0) return false;
      this.starts[earlier] = -1 - this.starts[earlier]!; // replaced: keep its start, negated, to find its end
    }
    if (this.used + csvLine.length * 3 + 1 > this.bytes.length)
      this.bytes = grown(this.bytes, this.used, csvLine.length * 3 + 1, INITIAL_BYTES);
    this.positions.put(key, this.starts.length);
    this.starts.push(this.used);
    this.used += this.bytes.write(csvLine, this.used, 'utf8');
    this.bytes[this.used++] = NEWLINE;
    this.ranks.push(rank);
    return kept;
  }

  /**
   * The block's live rows, in arrival order, as one buffer; the block starts empty again, in the
   * other buffer. Valid until the next `take()`, which reuses them: be done with them before.
   */
  take(): Buffer {
    const { bytes, starts, used } = this;
    const startOf = (i: number) => (starts[i]! < 0 ? -1 - starts[i]! : starts[i]!);
    let length = 0;
    for (let i = 0; i < starts.length; i++) {
      if (starts[i]! < 0) continue;
      const start = starts[i]!;
      const end = i + 1 < starts.length ? startOf(i + 1) : used;
      if (start !== length) bytes.copyWithin(length, start, end); // close the gap a replaced row left
      length += end - start;
    }
    this.bytes = this.spare;
    this.spare = bytes;
    this.used = 0;
    this.starts = [];
    this.ranks.clear();
    this.positions.clear();
    return bytes.subarray(0, length);
  }

  /** A live row's CSV line, without its newline. */
  private lineOf(row: number): string {
    const next = this.starts[row + 1];
    const end = next === undefined ? this.used : next < 0 ? -1 - next : next;
    return this.bytes.toString('utf8', this.starts[row], end - 1);
  }
}

const NEWLINE = 0x0a;
