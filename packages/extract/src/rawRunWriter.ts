import type { S3Client } from '@aws-sdk/client-s3';
import { dataKeys } from '@etl/contracts';
import type { RawPart } from '@etl/contracts';
import { gzipUpload } from '@etl/files';
import { writeRawLine } from './rawLine';

export interface RawRunTarget {
  bucket: string;
  pipeline: string;
  runId: string;
  /** Rows per part file; a new part starts after this many. Default 50,000. */
  partRows?: number;
  /** One attempt at one slice of a fanned-out run: parts go to `raw/<pipeline>/<runId>/slice-<S>/<attempt>/`. */
  slice?: { index: number; attempt: string };
}

/**
 * Writes an extract run's records as raw part files, streaming: records go into
 * `raw/<pipeline>/<runId>/part-0.jsonl.gz` until it holds `partRows`, then part-1… Each part is
 * a multipart upload written as records arrive (bounded memory). `finish` completes the last
 * part and lists them all.
 */
export class RawRunWriter {
  private readonly parts: RawPart[] = [];
  private current: { upload: ReturnType<typeof gzipUpload>; part: number; rows: number } | undefined;
  private readonly partRows: number;

  constructor(
    private readonly s3: S3Client,
    private readonly target: RawRunTarget,
  ) {
    this.partRows = target.partRows ?? 50_000;
  }

  /**
   * Appends one record: bytes as the source line they are, any other value as one JSON line (see
   * {@link writeRawLine}). Returns a promise only when the caller must wait (back-pressure, a part ending).
   */
  write(record: unknown): Promise<void> | undefined {
    if (!this.current) {
      const part = this.parts.length;
      this.current = {
        upload: gzipUpload(this.s3, this.target.bucket, this.key(part), 'application/x-ndjson'),
        part,
        rows: 0,
      };
    }
    this.current.rows++;
    const pending = writeRawLine(this.current.upload.sink, record);
    if (this.current.rows < this.partRows) return pending; // at once, mostly: no promise a record
    return pending ? pending.then(() => this.closePart()) : this.closePart();
  }

  private async closePart(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    await current.upload.sink.end();
    const { bytes, sha256 } = await current.upload.done();
    this.parts.push({
      part: current.part,
      file: {
        bucket: this.target.bucket,
        key: this.key(current.part),
        bytes,
        rows: current.rows,
        sha256,
      },
    });
  }

  private key(part: number): string {
    const { pipeline, runId, slice } = this.target;
    return slice === undefined ? dataKeys.raw(pipeline, runId, part) : dataKeys.rawSlicePart(pipeline, runId, slice, part);
  }

  /**
   * Completes the last part and lists the parts. A run (or slice) that read nothing still gets one
   * (empty) part, so every run is visible in the warehouse's accounting.
   */
  async finish(): Promise<RawPart[]> {
    if (!this.current && this.parts.length === 0) {
      this.current = { upload: gzipUpload(this.s3, this.target.bucket, this.key(0), 'application/x-ndjson'), part: 0, rows: 0 };
    }
    await this.closePart();
    return this.parts;
  }
}
