import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RunSummary } from '@etl/dev';
import { ORDERS_TABLE_QUERY } from '@etl/pipelines';
import { useDevStack } from '../../dev/test/devStack';
import { isAlive } from '@etl/local-aws';
import { etl, etlOutput, expectedTable, iso, order, startShopApi, BASE } from './etlHelpers';
import type { Order } from './etlHelpers';

jest.setTimeout(10 * 60_000);

describe('etl run orders --source-url: your own HTTP API into the warehouse', () => {
  const local = useDevStack('etl-run-');
  const orders = Array.from({ length: 600 }, (_, i) => order(i, 0));
  let api: Awaited<ReturnType<typeof startShopApi>>;
  beforeAll(async () => (api = await startShopApi(orders)));
  afterAll(() => api?.stop());

  const runOrders = async () => {
    const { stdout, stderr } = await etlOutput('--dir', local.dir, '--json', 'run', 'orders', '--free-ports', '--source-url', api.url);
    return { ...(JSON.parse(stdout) as RunSummary), log: stderr };
  };
  const table = async () => JSON.parse(await etl('--dir', local.dir, '--json', 'query', ORDERS_TABLE_QUERY)) as string[][];
  const watermarkOf = async () =>
    (
      JSON.parse(await etl('--dir', local.dir, '--json', 'status')) as { pipelines: { pipeline: string; watermark: string }[] }
    ).pipelines.find((p) => p.pipeline === 'orders')!.watermark;

  it('loads exactly the valid orders, "" apart from NULL, and quarantines the rest', async () => {
    const summary = await runOrders();
    expect(summary.log).toContain('starting the services in the background');
    const expected = expectedTable(orders);
    expect(await table()).toEqual(expected);
    expect(summary.rows).toMatchObject({
      extracted: 600,
      rejected: orders.filter((o) => o.quantity < 1).length,
      inserted: expected.length,
    });
    expect(summary.rejectsByRule).toEqual({ range: orders.filter((o) => o.quantity < 1).length });
  });

  it('replays a run: its files are announced again and nothing changes', async () => {
    const [{ runId }] = JSON.parse(await etl('--dir', local.dir, '--json', 'runs', 'orders')) as [{ runId: string }];
    const before = await table();
    const replayed = JSON.parse(await etl('--dir', local.dir, '--json', 'replay', 'orders', runId, '--free-ports')) as RunSummary;
    expect(replayed.runId).toBe(runId);
    expect(replayed.rows.extracted).toBe(600); // the ledger still counts each file once
    expect(replayed.replayed).toEqual({ filesAlreadyLoaded: expect.any(Number), filesLoadedNow: 0 }); // and says the replay loaded nothing
    expect(await table()).toEqual(before);
    // etl runs (and the dashboard) show the replay under the run, with what it loaded
    const [listed] = JSON.parse(await etl('--dir', local.dir, '--json', 'runs', 'orders')) as [{ runId: string; replays: unknown[] }];
    expect(listed).toMatchObject({ runId, replays: [{ replayedAt: expect.any(String), files: expect.any(Number), filesLoaded: 0 }] });
    expect(await etl('--dir', local.dir, 'runs', 'orders')).toMatch(
      /API · replayed \d\d:\d\d:\d\d UTC: 0 of \d+ file\(s\) loaded \(all were before\)/,
    );
  });

  it('reads only what changed on the next run, and merges it', async () => {
    const watermark = Math.max(...orders.filter((o) => o.quantity >= 1).map((o) => Date.parse(o.updated_at)));
    orders.push(
      ...Array.from({ length: 60 }, (_, k) => order(k * 10 + 3, 1)),
      ...Array.from({ length: 20 }, (_, k) => order(1_000 + k, 1)),
    );
    const summary = await runOrders();
    expect(summary.log).toContain('▶ services running in the background since'); // the first run's: not packaged or started again
    expect(summary.log).not.toContain('starting the services');
    expect(await table()).toEqual(expectedTable(orders));
    // the changes, and what the orders pipeline's 2 h lookback reads again below the watermark
    const served = orders.filter((o) => Date.parse(o.updated_at) >= watermark - 2 * 3_600_000);
    expect(summary.rows.extracted).toBe(served.length);
    expect(summary.rows.rejected).toBe(served.filter((o) => o.quantity < 1).length);
    expect(summary.rows.updated).toBe(60);
    expect(summary.rows.inserted).toBe(19); // order 1007 has quantity 0: rejected
  });

  it('backfills a cursor range: rows the incremental runs could not see are loaded, the rest collapse, the watermark stays', async () => {
    const watermark = await watermarkOf();
    // late rows far below the watermark (and its 2 h lookback): no incremental run reads them
    const late = Array.from({ length: 12 }, (_, k) => ({ ...order(3_000 + k, 0), updated_at: iso(BASE + 30 * 60_000 + k * 1_000) }));
    orders.push(...late);
    const [from, to] = [iso(BASE), iso(BASE + 3_600_000)];
    const summary = JSON.parse(
      await etl('--dir', local.dir, '--json', 'backfill', 'orders', '--from', from, '--to', to, '--free-ports', '--source-url', api.url),
    ) as RunSummary;
    const inRange = orders.filter((o) => o.updated_at >= from && o.updated_at < to);
    expect(summary.rows.extracted).toBe(inRange.length);
    expect(summary.rows.inserted).toBe(late.filter((o) => o.quantity >= 1).length);
    expect(summary.rows.updated).toBe(0); // the rest were loaded before: the same versions collapse
    expect(await table()).toEqual(expectedTable(orders));
    expect(await watermarkOf()).toBe(watermark);
    const [latest] = JSON.parse(await etl('--dir', local.dir, '--json', 'runs', 'orders', '--limit', '1')) as { origin: unknown }[];
    expect(latest!.origin).toEqual({
      kind: 'backfill',
      from: from.replace('T', ' ').replace('Z', ''),
      until: to.replace('T', ' ').replace('Z', ''),
    });
    const wrong = await etl('--dir', local.dir, 'backfill', 'orders', '--from', to, '--to', from).catch((error: Error) => error.message);
    expect(wrong).toContain('range is empty');
  });

  const fromFiles: Order[] = [];

  it("keeps the API's watermark where a newer file is loaded: API rows, a newer CSV and JSON Lines file, then older API rows — all loaded", async () => {
    const watermark = await watermarkOf();
    const at = Date.parse(`${watermark.replace(' ', 'T')}Z`);
    // one row in each format, ten days newer than anything the API has served
    const inFiles = [4_000, 4_001].map((n) => ({
      ...order(n, 0),
      quantity: 2,
      note: 'from a file',
      updated_at: iso(at + 10 * 86_400_000),
    }));
    fromFiles.push(...inFiles);
    const dir = mkdtempSync(path.join(tmpdir(), 'etl-newer-'));
    const columns = Object.keys(inFiles[0]!) as (keyof Order)[];
    writeFileSync(path.join(dir, 'newer.csv'), [columns.join(','), columns.map((c) => String(inFiles[0]![c])).join(',')].join('\n'));
    writeFileSync(path.join(dir, 'newer.jsonl'), JSON.stringify(inFiles[1]));
    await etl(
      '--dir',
      local.dir,
      '--json',
      'run',
      'orders',
      '--free-ports',
      '--files',
      path.join(dir, 'newer.csv'),
      path.join(dir, 'newer.jsonl'),
    );
    expect(await watermarkOf()).toBe(watermark);
    // rows the API changed after its watermark, days before the files' rows
    const later = Array.from({ length: 5 }, (_, k) => ({ ...order(5_000 + k, 0), quantity: 1, updated_at: iso(at + 60_000 + k * 1_000) }));
    orders.push(...later);
    const summary = await runOrders();
    expect(summary.rows.inserted).toBe(5);
    expect(await table()).toEqual(expectedTable([...orders, ...fromFiles]));
  });

  it('etl down stops the services the runs left running; the stack and its data stay', async () => {
    const services = async () =>
      (JSON.parse(await etl('--dir', local.dir, '--json', 'status')) as { services: { pid: number } | null }).services;
    const running = await services();
    expect(running?.pid).toEqual(expect.any(Number));
    expect(isAlive(running!.pid)).toBe(true);
    const down = JSON.parse(await etl('--dir', local.dir, '--json', 'down')) as { stopped: { pid: number } | null };
    expect(down.stopped?.pid).toBe(running!.pid);
    expect(await services()).toBeNull();
    expect(isAlive(down.stopped!.pid)).toBe(false);
    expect(await etl('--dir', local.dir, 'down')).toContain('no services run in the background');
    expect(await table()).toEqual(expectedTable([...orders, ...fromFiles])); // the stack pnpm local:up (here: the test) started answers still
  });
});

describe('etl run orders --files: your own files through the S3-drop path', () => {
  const local = useDevStack('etl-files-');
  const files = mkdtempSync(path.join(tmpdir(), 'etl-files-in-'));
  const jsonOrders = Array.from({ length: 200 }, (_, i) => order(i, 0));
  // CSV has no NULL: these orders have a note or "" (kept as "", never made NULL); orders 0–49 come again, shipped
  const csvOrders = [...Array.from({ length: 100 }, (_, k) => order(200 + k, 0)), ...Array.from({ length: 50 }, (_, i) => order(i, 1))].map(
    (o) => ({ ...o, note: o.note ?? 'was null' }),
  );
  const csvField = (value: unknown) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

  it('loads a gzip JSON Lines file and a CSV file, one run each, into exactly the table the test expects', async () => {
    writeFileSync(path.join(files, 'first.jsonl.gz'), gzipSync(jsonOrders.map((o) => JSON.stringify(o)).join('\n')));
    const columns = Object.keys(csvOrders[0]!) as (keyof Order)[];
    const csvLines = [columns.join(','), ...csvOrders.map((o) => columns.map((c) => csvField(o[c])).join(','))];
    writeFileSync(path.join(files, 'second.csv'), csvLines.join('\n'));
    const summaries = JSON.parse(
      await etl(
        '--dir',
        local.dir,
        '--json',
        'run',
        'orders',
        '--free-ports',
        '--files',
        path.join(files, 'first.jsonl.gz'),
        path.join(files, 'second.csv'),
      ),
    ) as RunSummary[];
    expect(summaries).toHaveLength(2);
    expect(summaries.map((s) => s.rows.extracted)).toEqual([200, 150]);
    expect(summaries[1]!.rows.updated).toBe(csvOrders.filter((o, i) => i >= 100 && o.quantity >= 1).length);
    const table = JSON.parse(await etl('--dir', local.dir, '--json', 'query', ORDERS_TABLE_QUERY)) as string[][];
    expect(table).toEqual(expectedTable([...jsonOrders, ...csvOrders]));
    // each run says where its rows came from
    const runs = JSON.parse(await etl('--dir', local.dir, '--json', 'runs', 'orders')) as { runId: string; origin: unknown }[];
    expect(runs.map((r) => r.origin).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
      { kind: 'file', key: 'landing/orders/first.jsonl.gz' },
      { kind: 'file', key: 'landing/orders/second.csv' },
    ]);
    expect(await etl('--dir', local.dir, 'runs', 'orders')).toMatch(/file second\.csv/);

    // a rejected row is named by the user's file and line, with its text as the file has it (not the JSON the extract made)
    const rejected = JSON.parse(await etl('--dir', local.dir, '--json', 'quarantine', summaries[1]!.runId, '--limit', '1000')) as {
      source?: { file: string; line: number; text: string };
    }[];
    const expectedRejected = csvOrders.flatMap((o, i) =>
      o.quantity >= 1 ? [] : [{ file: 'landing/orders/second.csv', line: i + 2, text: csvLines[i + 1]! }],
    );
    expect(expectedRejected.length).toBeGreaterThan(1);
    expect(rejected.map((row) => row.source)).toEqual(expectedRejected);
    expect(await etl('--dir', local.dir, 'quarantine', summaries[1]!.runId)).toContain(`second.csv:${expectedRejected[0]!.line} `);
  });

  it('refuses a CSV file whose header does not fit the pipeline, naming the file and the columns, before starting anything', async () => {
    writeFileSync(path.join(files, 'readings.csv.gz'), gzipSync('sensor,reading,at\ns-1,1.5,2026-11-01T10:00:00Z\n'));
    await expect(etl('--dir', local.dir, 'run', 'orders', '--files', path.join(files, 'readings.csv.gz'))).rejects.toThrow(
      /readings\.csv\.gz: the CSV header does not fit pipeline orders — it lacks the required columns order_id, .*does not read the columns "sensor", "reading", "at"/,
    );
  });

  it('names a file whose name states no format, before starting anything', async () => {
    writeFileSync(path.join(files, 'orders.txt'), '{}');
    await expect(etl('--dir', local.dir, 'run', 'orders', '--files', path.join(files, 'orders.txt'))).rejects.toThrow(
      /orders\.txt: name it \.jsonl, \.ndjson, \.json or \.csv/,
    );
  });
});
