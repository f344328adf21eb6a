import type { Writable } from 'node:stream';

/**
 * Collects text and writes it to a stream in ~64 KiB pieces, waiting for `drain` when the
 * stream pushes back, so a fast producer never buffers a whole file in memory.
 */
export class TextSink {
  private buffer = '';

  constructor(
    private readonly stream: Writable,
    private readonly chunkChars = 64 * 1024,
  ) {}

  /** Appends text (or bytes, written as they are); resolves at once unless the stream needs to drain. */
  write(text: string | Buffer): Promise<void> | undefined {
    if (typeof text !== 'string') {
      const pending = this.flush();
      return pending ? pending.then(() => this.push(text)) : this.push(text);
    }
    this.buffer += text;
    if (this.buffer.length < this.chunkChars) return undefined;
    return this.flush();
  }

  /**
   * Writes bytes as they are, after the text before them; resolves once the stream is done with
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

  private flush(): Promise<void> | undefined {
    const text = this.buffer;
    this.buffer = '';
    return text === '' ? undefined : this.push(text);
  }

  private push(chunk: string | Buffer): Promise<void> | undefined {
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  /** Writes what is left and ends the stream. */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
  }
}
