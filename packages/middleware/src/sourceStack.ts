import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/**
 * Stack traces in source terms, paid for only when an error is logged.
 *
 * The deployed bundles are minified and carry a source map beside them (`x.js.map`), but the
 * functions run without `--enable-source-maps`: with it, Node reads and parses the map of every
 * bundle at load, ~40 % of a handler's module initialisation (`pnpm bench cold-start`). Instead,
 * the first error logged from a bundle loads that bundle's map once, and each frame
 * `(…/x.js:LINE:COL)` becomes `(packages/load/src/loadSql.ts:LINE:COL)`. Frames of files with no
 * map (Node's own, unbundled code) stay as they are, and so does everything when Node maps
 * stacks itself (`--enable-source-maps` set).
 */

/** A bundle's source map, or null when it has none; read once per file. */
const maps = new Map<string, SourceMap | null>();

function sourceMapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = null; // no map beside it (or an unreadable one): the frame stays as Node wrote it
    }
    maps.set(file, map);
  }
  return map;
}

/** `../../node_modules/.pnpm/x@1/node_modules/@smithy/core/dist-es/a.js` → `@smithy/core/dist-es/a.js`; `../../packages/x/src/a.ts` → `packages/x/src/a.ts`. */
const readableSource = (source: string) => source.replace(/^.*node_modules\//, '').replace(/^(\.\.?\/)+/, '');

/** A frame's position in a `.js` file: `/var/task/src/handlers/x.js:1:5071`. */
const POSITION = /((?:file:\/\/)?\/[^():\s]+\.js):(\d+):(\d+)/;

/** One stack line with its bundle position replaced by the source position, when the bundle has a map. */
function sourceLine(line: string): string {
  const match = POSITION.exec(line);
  if (!match) return line;
  const [position, file, lineText, columnText] = match as unknown as [string, string, string, string];
  const map = sourceMapOf(file.replace(/^file:\/\//, ''));
  const entry = map?.findEntry(Number(lineText) - 1, Number(columnText) - 1);
  if (!entry || !('originalSource' in entry)) return line;
  return line.replace(position, `${readableSource(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

/** A stack trace with every bundle frame in source terms. */
export function sourceStack(stack: string): string {
  return stack.split('\n').map(sourceLine).join('\n');
}

const mapped = new WeakSet<Error>();

/**
 * Rewrites an error's stack (and its causes') in source terms, in place and once; returns it.
 * Anything that is not an Error is returned as it is.
 */
export function withSourceStack<T>(error: T): T {
  if (!(error instanceof Error) || mapped.has(error)) return error;
  mapped.add(error);
  if (!process.sourceMapsEnabled && typeof error.stack === 'string') error.stack = sourceStack(error.stack);
  withSourceStack(error.cause);
  return error;
}
