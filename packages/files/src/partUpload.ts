import { Writable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, S3Client } from '@aws-sdk/client-s3';

/** S3's smallest part but the last (5 MiB), and its most parts in one upload. */
export const PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const FIRST_BUFFER_BYTES = 64 * 1024;

export interface PartUploadTarget {
  bucket: string;
  key: string;
  contentType: string;
  metadata?: Record<string, string>;
}

/**
 * A writable stream that stores what is written as one S3 object: a single PutObject when it
 * ends within one part, else a multipart upload with one part in flight while the next fills.
 *
 * Why not `@aws-sdk/lib-storage`'s `Upload`: it joins each part from the stream's small chunks
 * with `Buffer.concat`, a fresh 5 MiB allocation per part, and stops reading while a part is
 * sent. Fresh 5 MiB blocks per part fragment the process's heap, so its RSS grew with the file
 * (`pnpm bench memory`). Here two part buffers are allocated once and take turns — memory stays
 * at two parts whatever the size — and the producer only waits when both are full. The calls are
 * the ones `Upload` makes (CRC32 declared on CreateMultipartUpload, as the SDK's default
 * checksums ask; an abort on failure), so the IAM grants and the local stack's checks are the same.
 */
export class PartUpload extends Writable {
  /** The buffer being filled; the other one may be in flight. */
  private filling = Buffer.allocUnsafe(0);
  private spare = Buffer.allocUnsafe(0);
  private used = 0;
  private uploadId: Promise<string> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly parts: CompletedPart[] = [];

  constructor(
    private readonly s3: S3Client,
    private readonly target: PartUploadTarget,
    private readonly partBytes = PART_BYTES,
  ) {
    super({ decodeStrings: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.append(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.finish().then(
      () => callback(),
      (error: Error) => this.abort(error).then(callback, callback),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!error) return callback(null);
    this.abort(error).then(callback, callback);
  }

  private async append(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.used === this.partBytes) await this.ship();
      if (this.used === this.filling.length) this.grow();
      const copied = chunk.copy(this.filling, this.used, offset, offset + Math.min(chunk.length - offset, this.filling.length - this.used));
      this.used += copied;
      offset += copied;
    }
  }

  /** Doubles the first buffer up to a part: a small object never holds a whole part's memory. */
  private grow(): void {
    const size = Math.min(this.partBytes, Math.max(FIRST_BUFFER_BYTES, this.filling.length * 2));
    const bigger = Buffer.allocUnsafe(size);
    this.filling.copy(bigger, 0, 0, this.used);
    this.filling = bigger;
  }

  /** Sends the full buffer as the next part once the part before it is stored, and fills the other one. */
  private async ship(): Promise<void> {
    await this.inFlight;
    const number = this.parts.length + 1;
    if (number > MAX_PARTS)
      throw new Error(`s3://${this.target.bucket}/${this.target.key} would need more than ${MAX_PARTS} parts of ${this.partBytes} bytes`);
    const body = this.filling.subarray(0, this.used);
    this.parts.push({ PartNumber: number });
    this.inFlight = this.sendPart(number, body);
    this.inFlight.catch(() => undefined); // surfaced by the next ship() or finish()
    [this.filling, this.spare] = [this.spare.length === this.partBytes ? this.spare : Buffer.allocUnsafe(this.partBytes), this.filling];
    this.used = 0;
  }

  private async sendPart(number: number, body: Buffer): Promise<void> {
    const UploadId = await this.startUpload();
    const result = await this.s3.send(
      new UploadPartCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId, PartNumber: number, Body: body }),
    );
    this.parts[number - 1] = {
      PartNumber: number,
      ETag: result.ETag,
      ...(result.ChecksumCRC32 ? { ChecksumCRC32: result.ChecksumCRC32 } : {}),
    };
  }

  private startUpload(): Promise<string> {
    this.uploadId ??= this.s3
      .send(
        new CreateMultipartUploadCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          ContentType: this.target.contentType,
          Metadata: this.target.metadata,
          ChecksumAlgorithm: 'CRC32',
        }),
      )
      .then(({ UploadId }) => {
        if (!UploadId) throw new Error(`CreateMultipartUpload for s3://${this.target.bucket}/${this.target.key} returned no UploadId`);
        return UploadId;
      });
    return this.uploadId;
  }

  private async finish(): Promise<void> {
    const last = this.filling.subarray(0, this.used);
    if (this.parts.length === 0) {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.target.bucket,
          Key: this.target.key,
          Body: last,
          ContentType: this.target.contentType,
          Metadata: this.target.metadata,
        }),
      );
      return;
    }
    if (this.used > 0) await this.ship();
    await this.inFlight;
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.target.bucket,
        Key: this.target.key,
        UploadId: await this.startUpload(),
        MultipartUpload: { Parts: this.parts },
      }),
    );
  }

  /** Abandons a started multipart upload (its parts would be billed until a lifecycle rule removed them). */
  private async abort(error: Error): Promise<Error> {
    const started = this.uploadId;
    this.uploadId = undefined; // once: a failed _final is followed by _destroy with the same error
    if (started) {
      // S3 may keep a part whose upload was still running when the abort came: let it settle first
      await this.inFlight.catch(() => undefined);
      const UploadId = await started.catch(() => undefined);
      if (UploadId) {
        await this.s3
          .send(new AbortMultipartUploadCommand({ Bucket: this.target.bucket, Key: this.target.key, UploadId }))
          .catch((abortError: unknown) => {
            if (error.cause === undefined) error.cause = abortError;
          });
      }
    }
    return error;
  }
}
