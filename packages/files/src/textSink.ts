import type { Writable } from 'node:stream';
import { PIECE_BYTES } from './pieces';

/**
 * Collects text and bytes and writes them to a stream in ~64 KiB pieces, waiting for `drain` when
 * the stream pushes back, so a fast producer never buffers a whole file in memory.
 *
 * Text is encoded straight into the piece being filled (one `Buffer.write` a line): joining the
 * lines into a string first and encoding that cost about twice as much (a rope of lines is
 * flattened, then encoded), and a stream written a line at a time costs a zlib call a line.
 */
export class TextSink {
  private piece: Buffer | undefined;
  private used = 0;

  constructor(
    private readonly stream: Writable,
    private readonly pieceBytes = PIECE_BYTES,
  ) {}

  /** Appends text (as UTF-8) or bytes (as they are); resolves at once unless the stream needs to drain. */
  write(data: string | Buffer): Promise<void> | undefined {
    // UTF-8 takes at most 3 bytes a UTF-16 unit
    const most = typeof data === 'string' ? data.length * 3 : data.length;
    if (this.piece && this.used + most <= this.piece.length) {
      this.append(this.piece, data);
      return undefined;
    }
    const pending = this.flush();
    if (most > this.pieceBytes) {
      // larger than a piece: written on its own, after what came before it
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      return pending ? pending.then(() => this.push(chunk)) : this.push(chunk);
    }
    this.piece = Buffer.allocUnsafe(this.pieceBytes);
    this.append(this.piece, data);
    return pending;
  }

  /**
   * Writes bytes as they are, after what came before them; resolves once the stream is done with
   * them (a transform such as gzip has read them), so the caller may reuse their memory then.
   */
  writeBytes(bytes: Buffer): Promise<void> {
    const pending = this.flush();
    const write = () =>
      new Promise<void>((resolve, reject) => {
        this.stream.write(bytes, (error) => (error ? reject(error) : resolve()));
      });
    return pending ? pending.then(write) : write();
  }

  private append(piece: Buffer, data: string | Buffer): void {
    this.used += typeof data === 'string' ? piece.write(data, this.used) : data.copy(piece, this.used);
  }

  /** Hands the filled part of the piece to the stream (the stream keeps it: the next piece is a new one). */
  private flush(): Promise<void> | undefined {
    const { piece, used } = this;
    this.piece = undefined;
    this.used = 0;
    return piece && used > 0 ? this.push(piece.subarray(0, used)) : undefined;
  }

  private push(chunk: Buffer): Promise<void> | undefined {
    // a stream destroyed (its pipeline failed) emits no 'drain' nor 'error' again: fail with its error, do not wait
    const gone = () => this.stream.errored ?? new Error('the stream was destroyed before the text was written');
    if (this.stream.destroyed) return Promise.reject(gone());
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onError);
        this.stream.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(gone());
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
      this.stream.once('close', onClose);
    });
  }

  /** Writes what is left and ends the stream. */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
  }
}
