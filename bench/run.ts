/**
 * `pnpm bench [name…] [--flag value…]`: runs the benchmarks one after the other, each in a fresh
 * Node process — all of them with no names. Flags go to each benchmark. A benchmark that measures
 * hot code runs as an esbuild bundle (as deployed); the others orchestrate the local stack and
 * bundle what they measure themselves.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bundleScript } from './bundle';

const BENCHMARKS: Record<string, { file: string; bundled: boolean }> = {
  transform: { file: 'transformThroughput.ts', bundled: true },
  memory: { file: 'flatMemory.ts', bundled: false },
  load: { file: 'loadCopyVsInsert.ts', bundled: false },
  'end-to-end': { file: 'endToEnd.ts', bundled: false },
  'cold-start': { file: 'coldStart.ts', bundled: false },
  'second-run': { file: 'secondRun.ts', bundled: false },
};

const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const names = firstFlag < 0 ? args : args.slice(0, firstFlag);
const flags = firstFlag < 0 ? [] : args.slice(firstFlag);
const unknown = names.filter((n) => !(n in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
  const { file, bundled } = BENCHMARKS[name]!;
  console.log(`\n━━ ${name} (${file}) ━━`);
  const command = bundled ? [bundleScript(file)] : ['-r', 'esbuild-register', path.join(__dirname, file)];
  const { status } = spawnSync(process.execPath, ['--enable-source-maps', ...command, ...flags], { stdio: 'inherit' });
  if (status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
