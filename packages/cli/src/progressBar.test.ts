import { runOutput } from './progressBar';

/** A stream that says it is (or is not) a terminal, and keeps what was written. */
function stream(isTTY: boolean) {
  let written = '';
  const out = {
    isTTY,
    columns: 160,
    write: (text: string) => {
      written += text;
      return true;
    },
    on: () => out,
    removeListener: () => out,
  } as unknown as NodeJS.WriteStream;
  return { out, written: () => written };
}

const progress = (loaded: number, parts: number | null) => ({
  runId: '20261202T120000Z-abc123',
  loaded,
  parts,
  queued: { extract: 0, transform: 2, load: 1 },
  seconds: 7,
});

describe('runOutput', () => {
  it('draws a bar on a terminal, and prints other lines above it', () => {
    const { out, written } = stream(true);
    const output = runOutput(out);
    output.progress!(progress(0, null));
    output.progress!(progress(3, 4));
    output.log('a line of its own');
    expect(written()).toMatch(/20261202T120000Z-abc123 \[=+-+\] 3\/4 parts loaded · queued extract 0 · transform 2 · load 1 · 7 s/);
    expect(written()).toMatch(/a line of its own\n$/);
  });

  it('writes plain lines where there is no terminal, and no bar', () => {
    const { out, written } = stream(false);
    const output = runOutput(out);
    expect(output.progress).toBeUndefined(); // the run logs a progress line each second instead
    output.log('plain');
    expect(written()).toBe('plain\n');
  });
});
