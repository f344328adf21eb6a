import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@etl/harness';
import { runDev, sampleGeneration } from '@etl/dev';
import type { DevSummary } from '@etl/dev';
import { expectedOrdersTable } from '@etl/pipelines';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { useDevStack } from '../../dev/test/devStack';

jest.setTimeout(10 * 60_000);

const run = promisify(execFile);
const ETL = path.join(REPO_ROOT, 'packages/cli/bin/etl.ts');
const ROWS = 3_000;

/** Runs the `etl` bin as a user would, in its own process; resolves with its exit code and output. */
async function etl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['-r', 'esbuild-register', ETL, ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('etl, on the local stack a pnpm dev run left', () => {
  const local = useDevStack('etl-cli-');
  let summary: DevSummary;
  const json = async <T>(...args: string[]): Promise<T> => {
    const { code, stdout, stderr } = await etl('--dir', local.dir, '--json', ...args);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(stdout) as T;
  };

  beforeAll(async () => {
    summary = await runDev({ dir: local.dir, rows: ROWS, fixedPorts: false, log: () => undefined });
  });

  it('lists its commands', async () => {
    const { code, stdout } = await etl('--help');
    expect(code).toBe(0);
    for (const command of [
      'new',
      'check',
      'status',
      'runs',
      'show',
      'quarantine',
      'query',
      'dlq',
      'run',
      'replay',
      'backfill',
      'dashboard',
    ])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('check: every definition valid', async () => {
    const checked = await json<{ valid: { pipeline: string; source: string }[]; invalid: unknown[] }>('check');
    expect(checked.valid.map((p) => p.pipeline)).toEqual(['orders', 'orders_db']);
    expect(checked.invalid).toEqual([]);
  });

  it('status: the last run, loaded, its watermark, and every queue empty with nothing in a DLQ', async () => {
    const status = await json<{
      pipelines: { pipeline: string; lastRun: string | null; state: string; watermark: string | null }[];
      queues: { queue: string; visible: number; inFlight: number; deadLetters: number }[];
    }>('status');
    expect(status.pipelines.find((p) => p.pipeline === 'orders')).toEqual({
      pipeline: 'orders',
      lastRun: summary.runId,
      state: 'loaded',
      watermark: summary.watermark,
      schedule: 'rate(15 minutes)',
      drift: 'quarantine',
    });
    expect(status.queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['etl-transform-dev-transform', 'etl-load-dev-load']));
    for (const queue of status.queues)
      expect([queue.queue, queue.visible, queue.inFlight, queue.deadLetters]).toEqual([queue.queue, 0, 0, 0]);
  });

  it('status --stage: the same answers through the AWS SDK’s default chain, with AWS_ENDPOINT_URL_* at the stack (as a deployed stage is read)', async () => {
    const seenLocally = await json<unknown>('status');
    const endpoints = JSON.parse(readFileSync(path.join(local.dir, 'stack.json'), 'utf8')) as { endpoints: Record<string, string> };
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'esbuild-register', ETL, '--stage', 'dev', '--workgroup', 'etl-dev', '--json', 'status'],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_ENDPOINT_URL_S3: endpoints.endpoints.s3,
          AWS_ENDPOINT_URL_SQS: endpoints.endpoints.sqs,
          AWS_ENDPOINT_URL_REDSHIFT_DATA: endpoints.endpoints.redshiftData,
        },
      },
    );
    expect(stderr).toBe('');
    expect({ ...(JSON.parse(stdout) as object), stage: 'local' }).toEqual(seenLocally);
  });

  it('runs: the run with the rows pnpm dev counted, stage by stage', async () => {
    const runs = await json<{ runId: string; rows: DevSummary['rows'] }[]>('runs', 'orders');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: summary.runId, rows: summary.rows });
  });

  it('show: the run’s files adding up to its rows, its rejects by rule, and its load statements with durations', async () => {
    const detail = await json<{
      run: { runId: string; rows: DevSummary['rows'] };
      state: string;
      files: { rows: DevSummary['rows'] }[];
      rejectsByRule: Record<string, number>;
      loads: { files: string[]; statements: { sql: string; seconds: number }[] }[];
    }>('show', summary.runId);
    expect(detail.run).toMatchObject({ runId: summary.runId, rows: summary.rows });
    expect(detail.state).toBe('loaded');
    expect(detail.rejectsByRule).toEqual(summary.rejectsByRule);
    expect(detail.files.reduce((n, f) => n + f.rows.extracted, 0)).toBe(summary.rows.extracted);
    expect(detail.loads.flatMap((l) => l.files)).toHaveLength(detail.files.length); // every loaded file in a report
    expect(detail.loads[0]!.statements.some((st) => st.sql.includes('MERGE INTO "public"."orders"'))).toBe(true);
    const { stdout } = await etl('--dir', local.dir, 'show', summary.runId);
    expect(stdout).toContain(`run ${summary.runId} of orders: loaded`);
    expect(stdout).toMatch(/load batch [0-9a-f]{8}/);
    const unknown = await etl('--dir', local.dir, 'show', '20200101T000000Z-nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('run 20200101T000000Z-nosuch is not in the ledger');
  });

  it('dashboard: serves the page and the overview on 127.0.0.1, until SIGTERM', async () => {
    const child = spawn(process.execPath, ['-r', 'esbuild-register', ETL, '--dir', local.dir, 'dashboard', '--port', '0'], {
      cwd: REPO_ROOT,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /dashboard (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (found) resolve(found[1]!);
        });
        child.once('exit', (code) => reject(new Error(`etl dashboard exited with ${code}`)));
      });
      expect(await (await fetch(url)).text()).toContain('<title>ETL dashboard</title>');
      const overview = (await (await fetch(new URL('/api/overview', url))).json()) as {
        pipelines: { pipeline: string; lastRun: string }[];
      };
      expect(overview.pipelines.find((p) => p.pipeline === 'orders')?.lastRun).toBe(summary.runId);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('quarantine: the rejected rows of one rule, each with its field, reason and raw line', async () => {
    const rows = await json<{ line: number; rejections: { field: string; rule: string; message: string }[]; raw?: string }[]>(
      'quarantine',
      summary.runId,
      '--rule',
      'range',
      '--limit',
      '1000',
    );
    expect(rows).toHaveLength(summary.rejectsByRule.range!);
    for (const row of rows) {
      expect(row.rejections).toContainEqual(expect.objectContaining({ field: 'quantity', rule: 'range' }));
      expect(row.raw).toContain('"quantity":1000000');
    }
    const { stdout } = await etl('--dir', local.dir, 'quarantine', summary.runId, '--rule', 'timestamp', '--limit', '2');
    expect(stdout).toMatch(/order_ts +│ timestamp/);
    expect(stdout).toMatch(/2 of \d+ rejected row\(s\) with rule timestamp shown/);
  });

  it('dlq: what a dead-letter queue holds, and --redrive moves it back to its queue', async () => {
    const empty = await json<{ queue: string; messages: number }[]>('dlq');
    expect(empty.map((q) => q.queue)).toContain('etl-load-dev-load-dlq');
    expect(empty.every((q) => q.messages === 0)).toBe(true);
    const queues = await local.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'etl-load-dev-load' }));
    const dlqUrl = queues.QueueUrls!.find((url) => url.endsWith('-dlq'))!;
    await local.sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify({ kind: 'staged-file-ready', pipeline: 'orders', runId: 'r-1' }),
      }),
    );
    const full = await json<{ queue: string; messages: number; first: string | null }[]>('dlq');
    expect(full.find((q) => q.queue === 'etl-load-dev-load-dlq')).toMatchObject({ messages: 1, first: 'staged-file-ready orders r-1' });
    const moved = await json<{ queue: string; movedBack?: boolean }[]>('dlq', '--redrive');
    expect(moved.find((q) => q.queue === 'etl-load-dev-load-dlq')?.movedBack).toBe(true);
    const status = await json<{ queues: { queue: string; visible: number; deadLetters: number }[] }>('status');
    expect(status.queues.find((q) => q.queue === 'etl-load-dev-load')).toEqual({
      queue: 'etl-load-dev-load',
      visible: 1,
      inFlight: 0,
      deadLetters: 0,
    });
  });

  it('query: a result as JSON rows, "" apart from NULL; a failing statement names its error and exits 1', async () => {
    const expected = expectedOrdersTable(sampleGeneration(0, ROWS));
    expect(await json('query', 'SELECT COUNT(*) FROM public.orders')).toEqual([[expected.length]]);
    const [[empty, nulls]] = await json<[[number, number]]>(
      'query',
      "SELECT SUM(CASE WHEN note = '' THEN 1 ELSE 0 END), SUM(CASE WHEN note IS NULL THEN 1 ELSE 0 END) FROM public.orders",
    );
    expect([empty, nulls]).toEqual([expected.filter((r) => r[8] === '').length, expected.filter((r) => r[8] === 'NULL').length]);
    const failed = await etl('--dir', local.dir, 'query', 'SELECT nope FROM public.orders');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('column "nope" does not exist');
    const unknown = await etl('--dir', local.dir, 'runs', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no pipeline named "nosuch" (known: orders, orders_db)');
  });

  it('query streams: CSV with NULL apart from "", JSON Lines, and a million rows in bounded memory', async () => {
    await json(
      'query',
      "CREATE TABLE public.query_kinds AS SELECT 1 AS id, '' AS empty, CAST(NULL AS VARCHAR) AS nothing, 'a, \"b\"' AS quoted",
    );
    expect((await etl('--dir', local.dir, 'query', '--csv', 'SELECT * FROM public.query_kinds')).stdout).toBe(
      'id,empty,nothing,quoted\n1,"",,"a, ""b"""\n',
    );
    expect((await etl('--dir', local.dir, 'query', '--jsonl', 'SELECT * FROM public.query_kinds')).stdout).toBe(
      '[1,"",null,"a, \\"b\\""]\n',
    );
    expect((await etl('--dir', local.dir, 'query', 'SELECT * FROM public.query_kinds')).stdout).toMatch(/^id,empty/); // not a terminal: CSV
    expect((await etl('--dir', local.dir, 'query', '--table', 'SELECT * FROM public.query_kinds')).stdout).toContain('│ 1  │');

    const digits =
      '(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
    const id = 'a.n + 10 * b.n + 100 * c.n + 1000 * d.n + 10000 * e.n + 100000 * f.n';
    await json(
      'query',
      `CREATE TABLE public.query_million AS SELECT ${id} AS id, 'row ' || CAST(${id} AS VARCHAR) AS label FROM ${['a', 'b', 'c', 'd', 'e', 'f'].map((t) => `${digits} ${t}`).join(', ')}`,
    );
    // a heap of 96 MB: a million rows held at once need several times that
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=96',
        '-r',
        'esbuild-register',
        ETL,
        '--dir',
        local.dir,
        'query',
        '--jsonl',
        'SELECT id, label FROM public.query_million ORDER BY id',
      ],
      { cwd: REPO_ROOT },
    );
    let lines = 0;
    let partial = '';
    let firstLine = '';
    let lastLine = '';
    let peakKb = 0;
    const watch = setInterval(() => {
      const status = (() => {
        try {
          return readFileSync(`/proc/${child.pid}/status`, 'utf8');
        } catch {
          return '';
        }
      })();
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    }, 100);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop()!;
      if (parts.length === 0) return;
      if (lines === 0) firstLine = parts[0]!;
      lines += parts.length;
      lastLine = parts[parts.length - 1]!;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(watch);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines).toBe(1_000_000);
    expect(firstLine).toBe('[0,"row 0"]');
    expect(lastLine).toBe('[999999,"row 999999"]');
    // flat in the rows (measured: ~300 MB at 250k, 1M and 2M rows, ~165 MB of it the CLI loading its TypeScript)
    expect(peakKb).toBeLessThan(400_000);
  });
});
