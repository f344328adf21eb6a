import { spawn } from 'node:child_process';
import path from 'node:path';
import { expectedOrdersTable, ORDERS_TABLE_QUERY } from '@etl/pipelines';
import { query } from '@etl/warehouse';
import { runDev } from '../src/devRun';
import { rowChecks } from '@etl/warehouse';
import { sampleGeneration } from '../src/sampleSource';
import { checksum, useDevStack } from './devStack';

jest.setTimeout(10 * 60_000);

const ROWS = 50_000;

/**
 * `pnpm dev` killed with SIGKILL in the middle of a run, on a stack that outlives it (as one
 * `pnpm local:up` started): the next `pnpm dev` hands back the messages the dead one held,
 * finishes the interrupted run, then runs its own — and the table is exact.
 */
describe('a pnpm dev killed mid-run', () => {
  const local = useDevStack('etl-interrupted-');

  it('is finished by the next pnpm dev, which then runs its own, exactly', async () => {
    // the first pnpm dev, in a process of its own, killed once files are being transformed or loaded
    const devRun = path.resolve(__dirname, '../src/devRun.ts');
    const first = spawn(
      process.execPath,
      [
        '-r',
        'esbuild-register',
        '-e',
        `require(${JSON.stringify(devRun)}).runDev({ dir: ${JSON.stringify(local.dir)}, rows: ${ROWS}, fixedPorts: false })`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    first.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const killed = await new Promise<string>((resolve, reject) => {
      first.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const run = /run (\d{8}T\d{6}Z-\w+), reading /.exec(output)?.[1];
        if (run && /queued extract \d+ · transform [1-9]|· load [1-9]/.test(output)) {
          first.kill('SIGKILL');
          resolve(run);
        }
      });
      first.on('exit', () => reject(new Error(`the first pnpm dev ended before it could be killed mid-run:\n${output}`)));
    });
    await new Promise((resolve) => first.once('exit', resolve));

    const log: string[] = [];
    const summary = await runDev({ dir: local.dir, rows: ROWS, fixedPorts: false, log: (line) => log.push(line) });
    expect(log.join('\n')).toContain(`▶ finishing run ${killed}, which an interrupted pnpm dev left in flight`);
    expect(log.join('\n')).toContain(`✔ run ${killed} loaded`);
    expect(summary.runId).not.toBe(killed);

    const [[parts, loaded]] = (await query(local.warehouse, 'SELECT parts, parts_loaded FROM etl_runs WHERE run_id = :run', {
      run: killed,
    })) as [[number, number]];
    expect(loaded).toBe(parts);
    expect(rowChecks(summary.rows)).toEqual({ transform: true, load: true });
    const expected = expectedOrdersTable(sampleGeneration(1, ROWS));
    const actual = await query(local.warehouse, ORDERS_TABLE_QUERY);
    expect(actual.length).toBe(expected.length);
    expect(checksum(actual)).toBe(checksum(expected));
  });
});
