import { createReadStream } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * An append-only JSON Lines file that makes a stand-in's state survive a restart: every
 * change is appended (and flushed to disk) before it is acknowledged, and replayed on open.
 * Appends that arrive together share one write and one `fdatasync` (group commit).
 * `compact` rewrites the file as a snapshot of the live state.
 *
 * Records must be idempotent upserts ("key K is now X", "K is gone"): a record appended while
 * a compaction runs may be replayed on top of a snapshot that already holds its effect.
 */
export class Journal<R> {
  private pending: { record: R; resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Writes and compactions run one after another on this chain. */
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private appendedSinceCompaction = 0;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
  ) {}

  /** Opens (creating if needed) the journal and calls `apply` for each record in order. */
  static async open<R>(file: string, apply: (record: R) => void): Promise<Journal<R>> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'a+');
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      try {
        apply(JSON.parse(line) as R);
      } catch (error) {
        // A torn last line (crash mid-write) was never acknowledged: drop it. Anything else is corruption.
        if (error instanceof SyntaxError) continue;
        throw new Error(`${file}:${lineNumber}: cannot replay journal record: ${(error as Error).message}`);
      }
    }
    return new Journal<R>(file, handle);
  }

  /** Appends a record; resolves once it is on disk. */
  append(record: R): Promise<void> {
    this.appendedSinceCompaction++;
    return new Promise((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.chain = this.chain.then(() => this.flush());
      }
    });
  }

  /** Records appended since the last compaction (or open): a hint for when to compact. */
  get growth(): number {
    return this.appendedSinceCompaction;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    try {
      await this.handle.appendFile(batch.map((entry) => `${JSON.stringify(entry.record)}\n`).join(''));
      await this.handle.datasync();
      for (const entry of batch) entry.resolve();
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  /** Replaces the journal with `snapshot` (records that rebuild the live state), atomically. */
  compact(snapshot: readonly R[]): Promise<void> {
    const done = this.chain.then(() => this.rewrite(snapshot));
    this.chain = done.catch(() => undefined);
    return done;
  }

  private async rewrite(snapshot: readonly R[]): Promise<void> {
    const temporary = `${this.file}.compacting`;
    const out = await open(temporary, 'w');
    await out.writeFile(snapshot.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await out.datasync();
    await out.close();
    await this.handle.close();
    await rename(temporary, this.file);
    this.handle = await open(this.file, 'a');
    this.appendedSinceCompaction = 0;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle.close();
  }
}
