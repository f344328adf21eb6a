const INITIAL_BYTES = 1 << 22;
export type Newer = (candidate: string | null, current: string | null) => boolean;
export class DedupeBlock2 {
  private bytes = Buffer.alloc(0);
  private spare = Buffer.alloc(0);
  private used = 0;
  private starts: number[] = [];
  private rankBytes = Buffer.alloc(1 << 20);
  private rankUsed = 0;
  private rankStarts: number[] = [];
  private positions = new Map<string, number>();
  constructor(private readonly newer: Newer) {}
  get rows(): number { return this.starts.length; }
  private rankOf(i: number): string | null {
    const start = this.rankStarts[i]!;
    if (start < 0) return null;
    const end = i + 1 < this.rankStarts.length ? Math.abs(this.rankStarts[i + 1]!) : this.rankUsed;
    return this.rankBytes.toString('utf8', start, end);
  }
  add(key: string, rank: string | null, csvLine: string): boolean {
    const earlier = this.positions.get(key);
    let kept = true;
    if (earlier !== undefined) {
      kept = false;
      if (!this.newer(rank, this.rankOf(earlier))) return false;
      this.starts[earlier] = -1 - this.starts[earlier]!;
    }
    if (this.used + csvLine.length * 3 + 1 > this.bytes.length) this.grow(csvLine.length * 3 + 1);
    this.positions.set(key, this.starts.length);
    this.starts.push(this.used);
    this.used += this.bytes.write(csvLine, this.used, 'utf8');
    this.bytes[this.used++] = 10;
    if (rank === null) this.rankStarts.push(-this.rankUsed - 0);
    else {
      if (this.rankUsed + rank.length * 3 > this.rankBytes.length) { const b = Buffer.allocUnsafe(this.rankBytes.length * 2); this.rankBytes.copy(b, 0, 0, this.rankUsed); this.rankBytes = b; }
      this.rankStarts.push(this.rankUsed);
      this.rankUsed += this.rankBytes.write(rank, this.rankUsed, 'utf8');
    }
    return kept;
  }
  take(): Buffer {
    const { bytes, starts, used } = this;
    const startOf = (i: number) => (starts[i]! < 0 ? -1 - starts[i]! : starts[i]!);
    let length = 0;
    for (let i = 0; i < starts.length; i++) {
      if (starts[i]! < 0) continue;
      const start = starts[i]!;
      const end = i + 1 < starts.length ? startOf(i + 1) : used;
      if (start !== length) bytes.copyWithin(length, start, end);
      length += end - start;
    }
    this.bytes = this.spare; this.spare = bytes; this.used = 0; this.starts = []; this.rankStarts = []; this.rankUsed = 0;
    this.positions = new Map();
    return bytes.subarray(0, length);
  }
  private grow(atLeast: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + atLeast, INITIAL_BYTES));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }
}
