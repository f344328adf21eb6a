import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { sourceStack, withSourceStack } from '../src/sourceStack';

// A module bundled as the services bundle a handler (in a child process: plain Node, not jest's module loader) (minified, source map beside it, no sources
// inlined), loaded and made to throw: its frames must come back in source terms.
const SOURCE = `export function parseOrder(line: string): number {
  const value = Number(line);
  if (Number.isNaN(value)) throw new Error(\`not a number: \${line}\`);
  return value;
}

export function parseAll(lines: string[]): number[] {
  try {
    return lines.map(parseOrder);
  } catch (cause) {
    throw new Error('batch failed', { cause });
  }
}
`;

let dir: string;
/** The stacks of an error thrown in the bundle, as plain Node writes them (jest maps stacks itself, so they come from a child). */
let raw: { stack: string; cause: string };

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'source-stack-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'orders.ts'), SOURCE);
  const bundle = path.join(dir, 'dist', 'orders.js');
  buildSync({
    entryPoints: [path.join(dir, 'src', 'orders.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'silent',
  });
  const script = `try { require(${JSON.stringify(bundle)}).parseAll(['1', 'x']) } catch (e) { console.log(JSON.stringify({ stack: e.stack, cause: e.cause.stack })) }`;
  raw = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } })) as typeof raw;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// as deployed: Node does not map stacks itself (under jest it does, and withSourceStack then leaves them)
beforeEach(() => process.setSourceMapsEnabled(false));
afterEach(() => process.setSourceMapsEnabled(true));

/** An error as the bundle threw it: its stack (and its cause's) as Node wrote them. */
function thrownInBundle(): Error {
  const cause = new Error('not a number: x');
  cause.stack = raw.cause;
  const error = new Error('batch failed', { cause });
  error.stack = raw.stack;
  return error;
}

describe('withSourceStack', () => {
  it('rewrites bundle frames to source file, line and column, causes included', () => {
    const error = thrownInBundle();
    expect(error.stack).toMatch(/dist\/orders\.js:1:\d+/);

    expect(withSourceStack(error)).toBe(error);

    // the throw is on line 3 of the source, the rethrow on line 11
    expect((error.cause as Error).stack!.split('\n')[1]).toMatch(/\(src\/orders\.ts:3:\d+\)$/);
    expect(error.stack!.split('\n')[1]).toMatch(/\(src\/orders\.ts:11:\d+\)$/);
    expect(error.stack).not.toMatch(/orders\.js:/);
  });

  it('maps an error once, however often it is logged', () => {
    const error = thrownInBundle();
    const once = withSourceStack(error).stack;
    expect(once).toMatch(/src\/orders\.ts/);
    expect(withSourceStack(error).stack).toBe(once);
  });

  it('leaves frames of files without a map, and non-errors, as they are', () => {
    const stack = `Error: x\n    at f (${path.join(dir, 'no-map.js')}:1:10)\n    at node:internal/main:5:3`;
    expect(sourceStack(stack)).toBe(stack);
    expect(withSourceStack('a string')).toBe('a string');
    expect(withSourceStack(undefined)).toBeUndefined();
  });

  it('leaves stacks alone when Node maps them itself (--enable-source-maps)', () => {
    process.setSourceMapsEnabled(true);
    const error = thrownInBundle();
    expect(withSourceStack(error).stack).toBe(raw.stack);
  });
});
