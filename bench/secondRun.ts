/**
 * Benchmark 7: how soon a second `etl run` starts planning.
 *
 *   pnpm bench second-run [--rows 2000]
 *
 * `etl run orders --source-url <a sample shop API>` three times on a fresh state folder, each in
 * its own process as a user runs it, timing from the command's start to its `▶ planning` line: the
 * first run packages the services (nothing cached) and starts them in the background; the next
 * ones attach to those services (same code, same source) and plan at once. Then `etl down`, and
 * one more run with `--once` (services started in the command, packaging cached): the cost the
 * background services save. Baseline: the first run. Goal (issue 13): a second run reaches
 * planning in ≤ 5 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, serviceDir } from '@etl/harness';
import { sampleLines, startOrdersApi } from '@etl/pipelines';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '2000' } } });
const GOAL_S = 5;

/** Runs `etl` with args; resolves with the seconds until its "▶ planning" line, and until it exits. */
function timedRun(args: string[]): Promise<{ planningS: number; totalS: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['-r', 'esbuild-register', path.join(REPO_ROOT, 'packages/cli/bin/etl.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let planningS = Number.NaN;
  let output = '';
  const watch = (chunk: Buffer) => {
    output += chunk.toString();
    if (Number.isNaN(planningS) && output.includes('▶ planning')) planningS = (Date.now() - started) / 1000;
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve({ planningS, totalS: (Date.now() - started) / 1000 }) : reject(new Error(`etl exited with ${code}:\n${output}`)),
    ),
  );
}

(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'etl-bench-second-'));
  const api = await startOrdersApi(sampleLines({ seed: 6, count: Number(values.rows) }));
  // nothing cached: the first run packages, as after a change to a serverless.yml
  for (const service of ['extract', 'transform', 'load'] as const)
    rmSync(path.join(serviceDir(service), '.serverless-local', 'stack-resources.json'), { force: true });
  try {
    const runs: { planningS: number; totalS: number }[] = [];
    const run = ['--dir', dir, 'run', 'orders', '--free-ports', '--source-url', api.url];
    for (let i = 0; i < 3; i++) runs.push(await timedRun(run));
    await timedRun(['--dir', dir, 'down']);
    runs.push(await timedRun([...run, '--once']));
    const labels = ['first (packs)', '2nd (attaches)', '3rd (attaches)', '--once (starts)'];
    console.log(`etl run orders, ${Number(values.rows).toLocaleString('en')} source rows, four runs on one state folder`);
    console.log('  run               to "▶ planning"   whole command   × first run');
    runs.forEach((r, i) =>
      console.log(
        `  ${labels[i]!.padEnd(16)}  ${r.planningS.toFixed(1).padStart(8)} s      ${r.totalS.toFixed(1).padStart(8)} s     ${(r.planningS / runs[0]!.planningS).toFixed(2)}`,
      ),
    );
    const second = Math.max(runs[1]!.planningS, runs[2]!.planningS);
    console.log(`  goal: a second run at planning in ≤ ${GOAL_S} s — ${second <= GOAL_S ? 'met' : 'missed'} (${second.toFixed(1)} s)`);
    console.log(JSON.stringify({ benchmark: 'second-run', runs, goalS: GOAL_S, met: second <= GOAL_S }));
  } finally {
    await timedRun(['--dir', dir, 'down']).catch(() => undefined);
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
