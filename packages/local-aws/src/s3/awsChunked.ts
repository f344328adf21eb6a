import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { ChunkSignatureChain } from '../iam/sigv4';

/** A chunk (or the trailer) whose signature is not the one its key makes: S3's SignatureDoesNotMatch. */
export class ChunkSignatureError extends Error {}

/**
 * Decodes the `aws-chunked` content encoding that AWS SDKs use to stream a body with a
 * trailing checksum (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) or with per-chunk signatures
 * (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`):
 *
 *     <hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0[;…]\r\n[<name>:<value>\r\n]*\r\n
 *
 * Emits the payload bytes; the trailers (e.g. `x-amz-checksum-crc32`) are in `trailers` once
 * the stream ends. Given a signature chain (a key the stack issued signed the request), each
 * chunk's signature and the trailer's are verified and a wrong one fails the stream with
 * {@link ChunkSignatureError}; otherwise signatures are not read. Malformed framing fails the stream.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  /** the trailer lines as sent, for the trailer signature */
  private trailerText = '';
  private chunkHash: Hash | undefined;
  private chunkSignature = '';
  private buffer: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';

  constructor(private readonly signatures?: ChunkSignatureChain) {
    super();
  }

  /** Checks the chunk just read against its `chunk-signature` (signed requests only). */
  private verifyChunk(): void {
    if (!this.signatures) return;
    const digest = (this.chunkHash ?? createHash('sha256')).digest('hex');
    if (!this.signatures.verifyChunk(digest, this.chunkSignature))
      throw new ChunkSignatureError('The request signature we calculated does not match the signature you provided (a chunk signature).');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state !== 'done') callback(new Error(`aws-chunked body ended early (while reading ${this.state})`));
    else callback();
  }

  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the trailer carries a signature of its own. */
  private verifyTrailer(): void {
    const signature = this.trailers['x-amz-trailer-signature'];
    if (!this.signatures || signature === undefined) return;
    if (!this.signatures.verifyTrailer(this.trailerText, signature))
      throw new ChunkSignatureError(
        'The request signature we calculated does not match the signature you provided (the trailer signature).',
      );
  }

  private line(): string | undefined {
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) {
      if (this.buffer.length > 64 * 1024) throw new Error('aws-chunked: header line longer than 64 KiB');
      return undefined;
    }
    const text = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + 2);
    return text;
  }

  private drain(): void {
    for (;;) {
      switch (this.state) {
        case 'size': {
          const header = this.line();
          if (header === undefined) return;
          const size = Number.parseInt(header.split(';')[0]!, 16);
          if (!Number.isFinite(size) || size < 0 || !/^[0-9a-fA-F]+$/.test(header.split(';')[0]!))
            throw new Error(`aws-chunked: bad chunk header "${header.slice(0, 80)}"`);
          this.remaining = size;
          this.chunkSignature = /;chunk-signature=([0-9a-f]+)/.exec(header)?.[1] ?? '';
          this.chunkHash = this.signatures ? createHash('sha256') : undefined;
          if (size === 0) this.verifyChunk();
          this.state = size === 0 ? 'trailer' : 'data';
          break;
        }
        case 'data': {
          if (this.buffer.length === 0) return;
          const take = Math.min(this.remaining, this.buffer.length);
          this.chunkHash?.update(this.buffer.subarray(0, take));
          this.push(this.buffer.subarray(0, take));
          this.buffer = this.buffer.subarray(take);
          this.remaining -= take;
          if (this.remaining === 0) {
            this.verifyChunk();
            this.state = 'data-end';
          }
          break;
        }
        case 'data-end': {
          if (this.buffer.length < 2) return;
          if (this.buffer[0] !== 0x0d || this.buffer[1] !== 0x0a) throw new Error('aws-chunked: chunk data not followed by CRLF');
          this.buffer = this.buffer.subarray(2);
          this.state = 'size';
          break;
        }
        case 'trailer': {
          const trailer = this.line();
          if (trailer === undefined) return;
          if (trailer === '') {
            this.verifyTrailer();
            this.state = 'done';
            break;
          }
          const colon = trailer.indexOf(':');
          if (colon <= 0) throw new Error(`aws-chunked: bad trailer "${trailer.slice(0, 80)}"`);
          const name = trailer.slice(0, colon).trim().toLowerCase();
          this.trailers[name] = trailer.slice(colon + 1).trim();
          if (name !== 'x-amz-trailer-signature') this.trailerText += `${name}:${this.trailers[name]}\n`;
          break;
        }
        case 'done':
          if (this.buffer.length > 0 && this.buffer.toString('latin1').trim() !== '')
            throw new Error('aws-chunked: bytes after the final chunk');
          this.buffer = Buffer.alloc(0);
          return;
      }
    }
  }
}
