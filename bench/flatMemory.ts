/**
 * Benchmark 2: the transform step's memory stays flat whatever the input size.
 *
 *   pnpm bench memory [--rows 222000,1110000,4440000]
 *
 * Inputs: generated orders JSON Lines (≈ 225 bytes a row: ~50 MB, ~250 MB and ~1 GB before gzip),
 * each uploaded as a raw file to the local S3 (in this process). The transform step runs in a
 * child process per input — the bundled `transformFile`, as the Lambda runs it — and reports its
 * peak RSS (VmHWM). Baseline: the same bundle loaded in a child that does nothing.
 *
 * Each input runs twice: with V8's heap sized for a 128 MB function (`--max-semi-space-size=2
 * --max-old-space-size=64`), and with Node's defaults for this 24 GB machine, where V8 lets the
 * heap grow lazily (young generation up to 3 × 16 MB) though little of it is live.
 * Goal: peak ≤ 128 MB on every input with the 128 MB heap, not growing with the input.
 */
import { parseArgs } from 'node:util';
import { exampleRawFileReady } from '@etl/contracts';
import { serviceConfig } from '@etl/harness';
import { nodeChildReport } from '@etl/tuning';
import { bundleScript } from './bundle';
import { ordersInput } from './inputs';
import { benchStack } from './stack';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '222000,1110000,4440000' } } });
const sizes = values.rows.split(',').map(Number);
const GOAL_MB = 128;
const HEAP_FOR_128_MB = ['--max-semi-space-size=2', '--max-old-space-size=64'];

interface ChildReport {
  ms: number;
  peakRssMb: number;
  atEnd?: Record<string, number>;
  accounting?: Record<string, number>;
}

/**
 * The transform function's environment as deployed (the provider's, then the function's own),
 * its fixed values (a `${param:…}` is the stack's to give): what the process starts with on
 * Lambda, such as glibc's MALLOC_ARENA_MAX.
 */
const transform = serviceConfig('transform');
const DEPLOYED_ENV: Record<string, string> = Object.fromEntries(
  Object.entries({ ...transform.provider.environment, ...transform.functions.transformWorker?.environment })
    .filter(([, value]) => !String(value).includes('${'))
    .map(([name, value]) => [name, String(value)]),
);

const runChild = (bundle: string, nodeOptions: string[], arg: string, env: Record<string, string>) =>
  nodeChildReport<ChildReport>([...nodeOptions, bundle, arg], { ...env, ...DEPLOYED_ENV });

const mb = (n: number) => `${n.toFixed(0)} MB`.padStart(8);

(async () => {
  const bundle = bundleScript('transformChild.ts');
  const bench = await benchStack();
  try {
    const idle = await runChild(bundle, HEAP_FOR_128_MB, '--idle', bench.stack.env);
    console.log(
      `transform step peak RSS by input size, a child process each (the deployed environment: ${Object.entries(DEPLOYED_ENV)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')}); idle baseline (bundle loaded): ${idle.peakRssMb.toFixed(0)} MB`,
    );
    console.log(
      `  ${'input'.padEnd(26)} ${'rows'.padStart(10)} ${'128 MB heap'.padStart(12)} ${'× idle'.padStart(7)} ${'time'.padStart(7)} ${'defaults'.padStart(9)} ${'time'.padStart(7)}`,
    );
    const results = [];
    for (const rows of sizes) {
      const input = await ordersInput(rows, { log: console.log });
      const runId = `20261127T000000Z-bench${rows}`;
      const file = await bench.putRaw(input, `raw/orders/${runId}/part-0.jsonl.gz`);
      const message = JSON.stringify(exampleRawFileReady({ runId, file }));
      const small = await runChild(bundle, HEAP_FOR_128_MB, message, bench.stack.env);
      const defaults = await runChild(bundle, [], message, bench.stack.env);
      const label = `${(input.rawBytes / 1e6).toFixed(0)} MB JSONL (${(input.bytes / 1e6).toFixed(0)} MB gz)`;
      console.log(
        `  ${label.padEnd(26)} ${rows.toLocaleString('en').padStart(10)} ${mb(small.peakRssMb).padStart(12)} ${(small.peakRssMb / idle.peakRssMb).toFixed(2).padStart(7)} ${`${(small.ms / 1000).toFixed(1)} s`.padStart(7)} ${mb(defaults.peakRssMb).padStart(9)} ${`${(defaults.ms / 1000).toFixed(1)} s`.padStart(7)}`,
      );
      results.push({ rows, rawBytes: input.rawBytes, gzipBytes: input.bytes, heap128: small, defaults });
    }
    const peaks = results.map((r) => r.heap128.peakRssMb);
    const growth = peaks[peaks.length - 1]! / peaks[0]!;
    const met = peaks.every((p) => p <= GOAL_MB) && growth <= 1.25;
    const bytesRatio = results[results.length - 1]!.rawBytes / results[0]!.rawBytes;
    console.log(
      `  128 MB heap: largest input ${growth.toFixed(2)} × the smallest's peak for ${bytesRatio.toFixed(0)} × the bytes; every peak ≤ ${GOAL_MB} MB: ${peaks.every((p) => p <= GOAL_MB) ? 'yes' : 'no'}`,
    );
    console.log(
      JSON.stringify({
        bench: 'flat-memory',
        idleRssMb: idle.peakRssMb,
        heap128Flags: HEAP_FOR_128_MB,
        deployedEnv: DEPLOYED_ENV,
        results,
        growth,
        goalMb: GOAL_MB,
        met,
      }),
    );
  } finally {
    await bench.stop();
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
