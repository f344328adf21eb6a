import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';

/** Digests of a blob's bytes, computed while it streams to disk. */
export interface BlobDigests {
  size: number;
  md5: Buffer;
  /** base64 of the big-endian CRC32, as `x-amz-checksum-crc32` carries it. */
  crc32: string;
  /** base64 SHA-1 / SHA-256, computed only when asked for (a client sent that checksum). */
  sha1?: string;
  sha256?: string;
}

export interface WrittenBlob extends BlobDigests {
  blob: string;
}

/**
 * Object bytes on disk: each blob is one file under `dir`, named by a random id, written to a
 * temporary name, flushed and renamed, so a half-written upload is never visible.
 */
export class BlobFiles {
  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(path.join(this.dir, 'tmp'), { recursive: true });
  }

  path(blob: string): string {
    return path.join(this.dir, blob);
  }

  /**
   * Streams `sources` (one after another) into a new blob, computing MD5 (the ETag), CRC32 and,
   * when asked, SHA-1/SHA-256 on the way.
   */
  async write(sources: Iterable<Readable> | Readable, also: { sha1?: boolean; sha256?: boolean } = {}): Promise<WrittenBlob> {
    const blob = randomUUID();
    const temporary = path.join(this.dir, 'tmp', blob);
    const md5 = createHash('md5');
    const sha1 = also.sha1 ? createHash('sha1') : undefined;
    const sha256 = also.sha256 ? createHash('sha256') : undefined;
    let crc = 0;
    let size = 0;
    const digest = () =>
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          sha1?.update(chunk);
          sha256?.update(chunk);
          crc = crc32(chunk, crc);
          size += chunk.length;
          callback(null, chunk);
        },
      });
    const list = Symbol.iterator in sources ? [...sources] : [sources];
    try {
      // the parts one after the other through one pipeline (one set of listeners on the file, however many parts)
      await pipeline(
        async function* () {
          for (const source of list) yield* source;
        },
        digest(),
        createWriteStream(temporary),
      );
      const handle = await open(temporary, 'r+');
      await handle.datasync();
      await handle.close();
      await rename(temporary, this.path(blob));
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    const crcBytes = Buffer.alloc(4);
    crcBytes.writeUInt32BE(crc >>> 0);
    return {
      blob,
      size,
      md5: md5.digest(),
      crc32: crcBytes.toString('base64'),
      sha1: sha1?.digest('base64'),
      sha256: sha256?.digest('base64'),
    };
  }

  read(blob: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(blob), range);
  }

  async remove(blob: string): Promise<void> {
    await unlink(this.path(blob)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Deletes blobs no object or part refers to (left by a crash between write and commit). */
  async collectGarbage(live: Set<string>): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir)) {
      if (name === 'tmp' || live.has(name)) continue;
      await this.remove(name);
      removed++;
    }
    for (const name of await readdir(path.join(this.dir, 'tmp'))) await unlink(path.join(this.dir, 'tmp', name));
    return removed;
  }
}
