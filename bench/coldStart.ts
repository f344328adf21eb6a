/**
 * Benchmark 5: cold start of every deployed handler.
 *
 *   pnpm bench cold-start [--runs 15]
 *
 * Each function of services/*\/serverless.yml is bundled as serverless-esbuild bundles it
 * (the esbuild options of its serverless.yml). Reported per handler: the minified size (goal
 * ≤ 1 MB), the wall time of a fresh `node` that loads the bundle minus that of a bare fresh `node`
 * run just before it (goal ≤ 150 ms; both with the deployed NODE_OPTIONS, median of --runs
 * pairs), the module initialisation measured inside the process, and the packages that dominate
 * the bundle (from esbuild's metafile).
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Metafile } from 'esbuild';
import { bundleHandler, handlerEntries } from '@etl/harness';
import { BUILD_DIR } from './bundle';
import { median } from './median';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const SIZE_GOAL = 1_000_000;
const INIT_GOAL_MS = 150;

/** The wall time of a fresh `node` running `args`, and what it printed. */
function freshNode(args: string[], nodeOptions: string): { wallMs: number; stdout: string } {
  const started = process.hrtime.bigint();
  const { status, stderr, stdout } = spawnSync(process.execPath, args, {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  if (status !== 0) throw new Error(`node ${args.join(' ')} failed: ${stderr}`);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, stdout };
}

/** `runs` fresh `node` processes running `args`. */
const freshNodes = (args: string[], nodeOptions: string) => Array.from({ length: runs }, () => freshNode(args, nodeOptions));

/**
 * How much longer a fresh `node` running `args` takes than a bare one: `runs` pairs run back to
 * back (bare, then the bundle), the median of the pairs' differences — a slow moment of a shared
 * machine slows both of a pair.
 */
function overBareMs(args: string[], nodeOptions: string): number {
  return median(
    Array.from({ length: runs }, () => {
      const bare = freshNode(['-e', ''], nodeOptions).wallMs;
      return freshNode(args, nodeOptions).wallMs - bare;
    }),
  );
}

/** Median time to `require` the bundle, measured inside fresh processes. */
function initInsideMs(bundle: string, nodeOptions: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  return median(freshNodes(['-e', script], nodeOptions).map((r) => Number(r.stdout.trim())));
}

/** Bytes in the bundle per package (workspace packages by name, node_modules by package name). */
function byPackage(metafile: Metafile): [string, number][] {
  const sizes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const modules = input.split('node_modules/');
      const last = modules[modules.length - 1]!;
      const name =
        modules.length > 1
          ? last.startsWith('@')
            ? last.split('/').slice(0, 2).join('/')
            : last.split('/')[0]!
          : input.replace(/^(packages|services)\/([^/]+)\/.*$/, '@etl/$2');
      sizes.set(name, (sizes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

const results = [];
const nodeOptions = handlerEntries()[0]!.nodeOptions;
const bareMs = median(freshNodes(['-e', ''], nodeOptions).map((r) => r.wallMs));
console.log(
  `cold start per handler, median of ${runs} pairs of fresh processes (bare node, then the bundle); bare node: ${bareMs.toFixed(0)} ms (NODE_OPTIONS=${nodeOptions || 'none'})`,
);
console.log(
  `  ${'handler'.padEnd(28)} ${'minified'.padStart(9)} ${'+ms over bare'.padStart(14)} ${'init inside'.padStart(12)}  largest packages`,
);
for (const handler of handlerEntries()) {
  const outfile = path.join(BUILD_DIR, 'cold-start', handler.service, `${handler.fn}.js`);
  const metafile = bundleHandler(handler, outfile);
  const bytes = statSync(outfile).size;
  const overMs = overBareMs([outfile], handler.nodeOptions);
  const insideMs = initInsideMs(outfile, handler.nodeOptions);
  const top = byPackage(metafile).slice(0, 4);
  const name = `${handler.service}/${handler.fn}`;
  console.log(
    `  ${name.padEnd(28)} ${mb(bytes).padStart(9)} ${`${overMs.toFixed(0)} ms`.padStart(14)} ${`${insideMs.toFixed(0)} ms`.padStart(12)}  ${top.map(([p, b]) => `${p} ${(b / 1e3).toFixed(0)} kB`).join(', ')}`,
  );
  results.push({
    handler: name,
    bytes,
    overBareMs: overMs,
    insideMs,
    sizeMet: bytes <= SIZE_GOAL,
    initMet: overMs <= INIT_GOAL_MS,
    top: Object.fromEntries(top),
  });
}
const sizeMet = results.filter((r) => r.sizeMet).length;
const initMet = results.filter((r) => r.initMet).length;
console.log(
  `  size goal ≤ 1 MB met by ${sizeMet}/${results.length}; init goal ≤ ${INIT_GOAL_MS} ms over bare met by ${initMet}/${results.length}`,
);
console.log(
  JSON.stringify({ bench: 'cold-start', runs, bareMs, handlers: results, met: sizeMet === results.length && initMet === results.length }),
);
