import { Writable } from 'node:stream';
import { TextSink } from './textSink';

/** A stream that keeps every chunk and pushes back after `highWaterMark` bytes, draining on the next tick. */
function collector(highWaterMark = 64) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk)); // a copy: what the sink handed over must not change after
      setImmediate(callback);
    },
  });
  return { stream, chunks, bytes: () => Buffer.concat(chunks) };
}

it('writes text and bytes in the order they came, in pieces no larger than asked, waiting when the stream pushes back', async () => {
  const { stream, chunks, bytes } = collector();
  const sink = new TextSink(stream, 32);
  const expected: Buffer[] = [];
  let waited = 0;
  for (let i = 0; i < 500; i++) {
    const data = i % 3 === 0 ? Buffer.from([0xc3, i & 0xff, 0x0a]) : i % 3 === 1 ? `é ${i}\n` : 'x'.repeat(i % 40);
    expected.push(typeof data === 'string' ? Buffer.from(data) : data);
    const pending = sink.write(data);
    if (pending) {
      waited++;
      await pending;
    }
  }
  await sink.end();
  await new Promise((resolve) => stream.on('finish', resolve));
  expect(bytes().equals(Buffer.concat(expected))).toBe(true);
  expect(waited).toBeGreaterThan(0);
  // a piece holds at most 32 bytes, or one write larger than that on its own
  expect(chunks.every((chunk) => chunk.length <= 39 * 3)).toBe(true);
});

it('writes bytes handed over by writeBytes after the text before them, and resolves once the stream has them', async () => {
  const { stream, bytes } = collector(1 << 20);
  const sink = new TextSink(stream);
  sink.write('a,b\n');
  const block = Buffer.from('c,d\n');
  await sink.writeBytes(block);
  sink.write('e,f\n');
  await sink.end();
  await new Promise((resolve) => stream.on('finish', resolve));
  expect(bytes().toString()).toBe('a,b\nc,d\ne,f\n');
});
