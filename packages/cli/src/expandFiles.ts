import { existsSync, globSync } from 'node:fs';

/** `--files` arguments as files: a glob (`*`, `?`, `[…]`, quoted so the shell left it) expands, sorted; a plain path must exist. */
export function expandFiles(patterns: string[]): string[] {
  const files = patterns.flatMap((pattern) => {
    if (!/[*?[]/.test(pattern)) {
      if (!existsSync(pattern)) throw new Error(`--files ${pattern}: no such file`);
      return [pattern];
    }
    const found = globSync(pattern).sort();
    if (found.length === 0) throw new Error(`--files ${pattern}: no file matches`);
    return found;
  });
  return [...new Set(files)];
}
