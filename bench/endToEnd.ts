/**
 * Benchmark 4: the orders pipeline end to end through the local stack.
 *
 *   pnpm bench end-to-end [--rows 1000000] [--engines pglite,postgres]
 *
 * `pnpm dev`'s run (`runDev`) on a fresh state folder: the sample shop API serves `--rows` order
 * lines (dirty rows and updates included) → planner → extract queue → raw files → transform queue
 * → staged files → load queue → COPY → MERGE in the warehouse — PGlite, or a fresh database on the
 * local Postgres — through serverless-offline and the local event source mappings, on this machine. Reports seconds per stage (from `etl_runs`), the run's
 * total (planned → loaded) and the wall time with start-up (stack, packaging, offline).
 * Baseline: the raw floor (`rawFloor`) over the same number of generated order rows, the median of
 * three runs before the first engine's (one run moved 5.9–7.6 s from one engine to the next), and
 * its CPU (this process's, all threads), against which the run's CPU is a ratio too.
 * Goals: run total ≤ 2.5 × the raw floor; ≤ 15 CPU-seconds per million rows across every process the
 * run starts (read from /proc: the local stack, the services, this process with the sample API;
 * on Postgres, the server's processes too).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runDev } from '@etl/dev';
import { freshPostgresDatabase } from '@etl/local-aws/testing';
import { rawFloor } from './floor';
import { median } from './median';
import { postgresServerCpu, timedWithCpu, watchProcessTreeCpu } from './processCpu';
import { ordersInput } from './inputs';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, engines: { type: 'string', default: 'pglite,postgres' } },
});
const rows = Number(values.rows);
const GOAL_S = 60;
const RATIO_GOAL = 2.5;
const POSTGRES_GROUP = 'the warehouse: the Postgres server';

(async () => {
  const input = await ordersInput(rows, { log: console.log });
  const floorDir = mkdtempSync(path.join(tmpdir(), 'etl-bench-floor-'));
  const floors: number[] = [];
  const floorCpus: number[] = [];
  try {
    for (let run = 0; run < 3; run++) {
      const floor = await timedWithCpu(() => rawFloor(input.file, path.join(floorDir, 'floor.csv.gz')));
      floors.push(floor.ms / 1000);
      floorCpus.push(floor.cpuSeconds);
    }
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
  const floorS = median(floors);
  // per million rows, as the CPU goal is counted
  const floorCpuPerMillion = (median(floorCpus) / rows) * 1e6;
  console.log(
    `raw floor of ${rows.toLocaleString('en')} rows: ${floors.map((s) => `${s.toFixed(1)} s`).join(', ')}; median ${floorS.toFixed(1)} s, ${floorCpuPerMillion.toFixed(1)} CPU-s per million rows`,
  );
  const results = [];
  for (const engine of values.engines.split(',') as ('pglite' | 'postgres')[])
    results.push(await benchEngine(engine, floorS, floorCpuPerMillion));
  console.log(JSON.stringify({ bench: 'end-to-end', rows, floors, floorCpus, results }));
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

async function benchEngine(engine: 'pglite' | 'postgres', floorS: number, floorCpuPerMillion: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-bench-e2e-'));
  const database = engine === 'postgres' ? await freshPostgresDatabase('etl_bench') : undefined;
  try {
    const cpu = watchProcessTreeCpu((command, pid) =>
      pid === process.pid
        ? 'this process: runDev, the sample API, queue pollers'
        : / offline start /.test(command)
          ? `service ${/cwd=\S*\/services\/(\w+)/.exec(command)?.[1] ?? '?'} (serverless-offline and its function)`
          : /esbuild --service/.test(command)
            ? 'packaging (esbuild)'
            : /local-aws/.test(command)
              ? 'local stack (S3, SQS, Data API, PGlite)'
              : `other: ${command.slice(0, 60)}`,
    );
    let atPlanning: Record<string, number> | undefined;
    let postgresAtPlanning: number | undefined;
    let meterAtPlanning = 0;
    const started = Date.now();
    const summary = await runDev({
      dir,
      rows,
      databaseUrl: database?.url,
      fixedPorts: false,
      timeoutMs: 30 * 60_000,
      log: (line) => {
        if (line.startsWith('▶ planning')) {
          atPlanning = cpu.mark(); // the run proper starts: what came before is start-up
          meterAtPlanning = cpu.meter();
          postgresAtPlanning = database ? postgresServerCpu() : undefined;
        }
        console.log(`  │ ${line}`);
      },
    });
    const wallS = (Date.now() - started) / 1000;
    const cpuUse = cpu.stop();
    const postgresAtEnd = database ? postgresServerCpu() : undefined;
    const { seconds } = summary;
    console.log(
      `orders end to end, ${rows.toLocaleString('en')} source rows, local stack on ${engine === 'pglite' ? 'PGlite' : 'Postgres'}, ${summary.rows.inserted.toLocaleString('en')} rows inserted`,
    );
    console.log(`  extract     ${seconds.extract.toFixed(1).padStart(7)} s`);
    console.log(`  transform   ${seconds.transform.toFixed(1).padStart(7)} s`);
    console.log(`  load        ${seconds.load.toFixed(1).padStart(7)} s`);
    console.log(
      `  run total   ${seconds.total.toFixed(1).padStart(7)} s  = ${(seconds.total / floorS).toFixed(1)} × the raw floor of the same rows (${floorS.toFixed(1)} s; goal ≤ ${RATIO_GOAL}: ${seconds.total / floorS <= RATIO_GOAL ? 'met' : 'not met'})`,
    );
    console.log(`  wall time   ${wallS.toFixed(1).padStart(7)} s  (with starting the stack and the three services)`);
    const runCpu = Object.fromEntries(Object.entries(cpuUse.groups).map(([group, total]) => [group, total - (atPlanning?.[group] ?? 0)]));
    // the sample API answers from this process: its share (measured around its handler) is the source's, not the pipeline's
    const mine = 'this process: runDev, the sample API, queue pollers';
    const source = summary.sourceCpuSeconds ?? 0;
    if (runCpu[mine] !== undefined) {
      runCpu['this process: runDev and the queue pollers'] = runCpu[mine]! - source;
      runCpu['the source: the sample API answering the pages'] = source;
      delete runCpu[mine];
    }
    if (postgresAtPlanning !== undefined && postgresAtEnd !== undefined) runCpu[POSTGRES_GROUP] = postgresAtEnd - postgresAtPlanning;
    const runTotal = Object.values(runCpu).reduce((a, b) => a + b, 0);
    const pipelineCpu = runTotal - source;
    const perMillion = (pipelineCpu / rows) * 1e6;
    console.log(
      `  CPU         ${runTotal.toFixed(1).padStart(7)} CPU-s from planning to loaded in every process the run started; without the source's ${source.toFixed(1)}: ${perMillion.toFixed(1)} CPU-s per million rows = ${(perMillion / floorCpuPerMillion).toFixed(1)} × the raw floor's ${floorCpuPerMillion.toFixed(1)} (goal ≤ 15: ${perMillion <= 15 ? 'met' : 'not met'}); ${(cpuUse.total - runTotal).toFixed(1)} CPU-s more starting up`,
    );
    for (const [group, seconds] of Object.entries(runCpu).sort((a, b) => b[1] - a[1]))
      if (seconds >= 0.05) console.log(`    ${seconds.toFixed(1).padStart(7)} CPU-s  ${group}`);
    console.log(
      `    (left out: ${(cpuUse.meterSeconds - meterAtPlanning).toFixed(1)} CPU-s of this benchmark reading /proc to measure the run; ${cpuUse.meterSeconds.toFixed(1)} with start-up)`,
    );
    console.log('  the processes that used most:');
    for (const { pid, command, cpuSeconds } of cpuUse.processes.slice(0, 8))
      console.log(
        `    ${cpuSeconds.toFixed(1).padStart(7)} CPU-s  pid ${pid}  ${command.replace(/\/work\/[^ ]*node_modules\/\S*\//g, '…/').slice(0, 110)}`,
      );
    return {
      engine,
      seconds,
      wallS,
      floorS,
      ratio: seconds.total / floorS,
      ratioGoal: RATIO_GOAL,
      goalS: GOAL_S,
      met: seconds.total <= GOAL_S,
      cpu: {
        run: runCpu,
        runTotal,
        pipeline: pipelineCpu,
        perMillionRows: perMillion,
        floorPerMillionRows: floorCpuPerMillion,
        withStartUp: cpuUse.total,
        meter: cpuUse.meterSeconds,
      },
      summary,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  }
}
