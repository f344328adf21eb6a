import { GetObjectCommand } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';
import { contracts, dataKeys, parseMessage } from '@etl/contracts';
import type { StagedFileReady } from '@etl/contracts';
import { announcements, writeRawFile } from '@etl/extract';
import type { Engine } from '@etl/local-aws/testing';
import { expectedOrdersTable as expectedTable, orders, ORDERS_TABLE_QUERY, sampleLines, sampleOrder } from '@etl/pipelines';
import type { SampleLine } from '@etl/pipelines';
import { cursorWithLookback, definePipeline } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { transformFile } from '@etl/transform';
import { committedWatermark, query, runBatch } from '@etl/warehouse';
import { loadBatch, maintainTables } from '../src';
import { useWarehouseStack } from './warehouseStack';

jest.setTimeout(120_000);

const BUCKET = 'etl-data-test';

describe.each<Engine>(['pglite', 'postgres'])('loadBatch on %s', (engine) => {
  const local = useWarehouseStack(engine, BUCKET);

  /** Extract (raw files + announcements) and transform one run of sample lines, split into parts. */
  async function stageRun(runId: string, lines: SampleLine[], parts: number, pipeline: Pipeline = orders): Promise<StagedFileReady[]> {
    const size = Math.ceil(lines.length / parts);
    const written = await Promise.all(
      Array.from({ length: parts }, (_, part) =>
        writeRawFile(
          local.s3,
          { bucket: BUCKET, pipeline: pipeline.name, runId, part },
          lines.slice(part * size, (part + 1) * size).map((l) => (typeof l.line === 'string' ? Buffer.from(l.line) : l.line)), // a broken line as the raw bytes it is
        ),
      ),
    );
    const cursorHigh = lines
      .map((l) => (typeof l.line === 'object' && typeof l.line.updated_at === 'string' ? l.line.updated_at : ''))
      .reduce((a, b) => (a > b ? a : b))
      .replace('T', ' ')
      .replace('Z', '');
    const raw = announcements({ pipeline: pipeline.name, runId, cursorHigh, parts: written, extractedAt: new Date().toISOString() });
    return Promise.all(raw.map((message) => transformFile(local.s3, pipeline, message)));
  }

  async function table(): Promise<string[][]> {
    const rows = await query(local.warehouse, ORDERS_TABLE_QUERY);
    return rows.map((row) => row.map(String));
  }

  const run1 = sampleLines({ seed: 1, count: 3000 });
  const run2Lines: SampleLine[] = [
    ...Array.from({ length: 200 }, (_, i) => ({ line: sampleOrder(i * 7, 5), valid: true })), // newer versions of run 1 orders
    ...Array.from({ length: 10 }, (_, i) => ({ line: sampleOrder(i * 7, 0), valid: true })), // older versions: must not win
    ...sampleLines({ seed: 2, first: 100_000, count: 800 }),
  ];
  let firstRun: StagedFileReady[];

  it('loads a run: the table is exactly the valid rows, newest version each, every row accounted for', async () => {
    firstRun = await stageRun('20261127T030000Z-run1', run1, 3);
    const result = await loadBatch(local.s3, local.warehouse, orders, firstRun);
    expect(result.loaded.map((f) => f.stagedKey)).toEqual(firstRun.map((m) => m.staged.key).sort());
    // the run's load report: the batch's statements, each with its duration, and the run's files in it
    expect(result.reportError).toBeUndefined();
    const report = parseMessage(
      contracts.loadReport,
      await (
        await local.s3.send(
          new GetObjectCommand({ Bucket: BUCKET, Key: dataKeys.loadReport('orders', '20261127T030000Z-run1', result.batchId) }),
        )
      ).Body!.transformToString(),
    );
    expect(report).toMatchObject({ files: result.loaded.map((f) => f.stagedKey), batchFiles: 3 });
    expect(report.statements.some((s) => /^\s*COPY /.test(s.sql))).toBe(true);
    expect(report.statements.every((s) => s.seconds >= 0)).toBe(true);
    expect(await table()).toEqual(expectedTable(run1));

    const [[extracted, inserted, updated, rejected, collapsed, parts]] = <[number[]]>(
      await query(
        local.warehouse,
        "SELECT rows_extracted, rows_inserted, rows_updated, rows_rejected, duplicates_collapsed, parts_loaded FROM etl_runs WHERE pipeline = 'orders' AND run_id = :run",
        { run: '20261127T030000Z-run1' },
      )
    );
    expect(extracted).toBe(3000);
    expect(rejected).toBe(run1.filter((l) => !l.valid).length);
    expect(inserted! + updated! + rejected! + collapsed!).toBe(extracted);
    expect(parts).toBe(3);
    expect(await committedWatermark(local.warehouse, 'orders')).toBe(firstRun[0]!.run.cursorHigh);

    const quarantine = firstRun.filter((m) => m.quarantine).map((m) => m.quarantine!);
    const quarantined = (
      await Promise.all(
        quarantine.map(async (q) =>
          gunzipSync(
            Buffer.from(await (await local.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: q.key }))).Body!.transformToByteArray()),
          ).toString(),
        ),
      )
    )
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { rejections: { rule: string }[] });
    expect(quarantined).toHaveLength(rejected!);
    expect(new Set(quarantined.map((q) => q.rejections[0]!.rule))).toEqual(
      new Set(['json', 'type', 'timestamp', 'range', 'length', 'required', 'unknown-field', 'check']),
    );
  });

  it('loads nothing again when the same files come again (redelivery, retried batch)', async () => {
    const before = await table();
    const again = await loadBatch(local.s3, local.warehouse, orders, [...firstRun, firstRun[1]!]);
    expect(again.loaded).toEqual([]);
    expect(await table()).toEqual(before);
    const [[files]] = <[number[]]>(
      await query(local.warehouse, "SELECT COUNT(*) FROM etl_load_files WHERE run_id = '20261127T030000Z-run1'")
    );
    expect(files).toBe(3);
  });

  it('merges a second run: newer versions win, older ones are collapsed, and the watermark waits for every part', async () => {
    const second = await stageRun('20261127T031500Z-run2', run2Lines, 2);
    const watermarkBefore = await committedWatermark(local.warehouse, 'orders');
    await loadBatch(local.s3, local.warehouse, orders, [second[1]!]);
    expect(await committedWatermark(local.warehouse, 'orders')).toBe(watermarkBefore); // part 0 not loaded yet
    await loadBatch(local.s3, local.warehouse, orders, [second[0]!]);
    const higher = [watermarkBefore!, second[0]!.run.cursorHigh!].sort().pop();
    expect(await committedWatermark(local.warehouse, 'orders')).toBe(higher); // it never moves back
    expect(await table()).toEqual(expectedTable([...run1, ...run2Lines]));
    const [[extracted, inserted, updated, rejected, collapsed]] = <[number[]]>(
      await query(
        local.warehouse,
        "SELECT rows_extracted, rows_inserted, rows_updated, rows_rejected, duplicates_collapsed FROM etl_runs WHERE run_id = '20261127T031500Z-run2'",
      )
    );
    expect(inserted! + updated! + rejected! + collapsed!).toBe(extracted);
    expect(updated).toBeGreaterThanOrEqual(190);
  });

  it('loads late rows a lookback reads below the watermark, and changes nothing for the rows it reads again', async () => {
    const watermark = (await committedWatermark(local.warehouse, 'orders'))!;
    const readAgain = run1.filter((l) => l.valid).slice(0, 50); // at or below the watermark: a lookback reads them again
    const lateAt = `${cursorWithLookback(watermark, 3_600)!.replace(' ', 'T')}Z`; // an hour below the watermark
    const late: SampleLine = { line: { ...sampleOrder(900_001), updated_at: lateAt }, valid: true };
    const lookbackRun = await stageRun('20261127T033000Z-lookback', [...readAgain, late], 1);
    await loadBatch(local.s3, local.warehouse, orders, lookbackRun);
    expect(await table()).toEqual(expectedTable([...run1, ...run2Lines, ...readAgain, late]));
    const [[inserted, updated, collapsed]] = <[number[]]>(
      await query(
        local.warehouse,
        "SELECT rows_inserted, rows_updated, duplicates_collapsed FROM etl_runs WHERE run_id = '20261127T033000Z-lookback'",
      )
    );
    // every row read again is a duplicate, collapsed in the transform (versions of one order) or by the merge
    expect({ inserted, updated, collapsed }).toEqual({ inserted: 1, updated: 0, collapsed: readAgain.length });
    expect(await committedWatermark(local.warehouse, 'orders')).toBe(watermark); // it never moves back
  });

  describe('drift policy add-columns', () => {
    const drifting = definePipeline({
      ...orders,
      name: 'orders_drift',
      target: { ...orders.target, table: 'orders_drift' },
      drift: 'add-columns',
    });
    const columnsOf = async () =>
      (
        await query(
          local.warehouse,
          "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'orders_drift' ORDER BY ordinal_position",
        )
      ).map(([name, type, length]) => `${String(name)} ${String(type)}${length === null ? '' : `(${String(length)})`}`);
    const added = async () =>
      (await query(local.warehouse, 'SELECT order_id, channel, score, coupon FROM orders_drift ORDER BY order_id')).map((row) =>
        row.map((v) => (v === null ? null : String(v))),
      );

    it('adds new fields as VARCHAR(65535) columns and loads their values; a field that cannot be a column rejects its row', async () => {
      const lines: SampleLine[] = [
        { line: { ...sampleOrder(1, 0), channel: 'web', score: 4.5 }, valid: true },
        { line: { ...sampleOrder(2, 0), channel: 'shop, "north"' }, valid: true },
        { line: { ...sampleOrder(3, 0) }, valid: true },
        { line: { ...sampleOrder(4, 0), 'Bad Field': 1 }, valid: false },
      ];
      const staged = await stageRun('20261127T040000Z-drift1', lines, 2, drifting);
      expect(staged.flatMap((m) => m.addedFields)).toEqual(['channel', 'score']);
      const result = await loadBatch(local.s3, local.warehouse, drifting, staged);
      expect(result.addedColumns).toEqual(['channel', 'score']);
      expect((await columnsOf()).slice(-2)).toEqual(['channel character varying(65535)', 'score character varying(65535)']);
      const [one, two, three] = [1, 2, 3].map((i) => String(sampleOrder(i, 0).order_id));
      const rows = await query(local.warehouse, 'SELECT order_id, channel, score FROM orders_drift ORDER BY order_id');
      expect(rows.map((row) => row.map((v) => (v === null ? null : String(v))))).toEqual([
        [one, 'web', '4.5'],
        [two, 'shop, "north"', null],
        [three, null, null],
      ]);
    });

    it('merges later runs: a newer version without a field clears it, another new field is added, redelivery changes nothing', async () => {
      const lines: SampleLine[] = [
        { line: { ...sampleOrder(1, 3), coupon: 'XMAS' }, valid: true },
        { line: { ...sampleOrder(5, 0), channel: 'app' }, valid: true },
      ];
      const staged = await stageRun('20261127T041500Z-drift2', lines, 1, drifting);
      expect((await loadBatch(local.s3, local.warehouse, drifting, staged)).addedColumns).toEqual(['coupon']);
      const [one, two, three, five] = [1, 2, 3, 5].map((i) => String(sampleOrder(i, 0).order_id));
      const expected = [
        [one, null, null, 'XMAS'],
        [two, 'shop, "north"', null, null],
        [three, null, null, null],
        [five, 'app', null, null],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!));
      expect(await added()).toEqual(expected);
      const again = await loadBatch(local.s3, local.warehouse, drifting, staged);
      expect(again).toMatchObject({ loaded: [], addedColumns: [] });
      expect(await added()).toEqual(expected);
    });

    it('refuses, naming field, file and column, a field whose column exists and is not one add-columns made', async () => {
      await runBatch(local.warehouse, ['ALTER TABLE orders_drift ADD COLUMN legacy INTEGER']);
      const staged = await stageRun('20261127T043000Z-drift3', [{ line: { ...sampleOrder(6, 0), legacy: 'x' }, valid: true }], 1, drifting);
      await expect(loadBatch(local.s3, local.warehouse, drifting, staged)).rejects.toThrow(
        /field "legacy" of staged\/orders_drift\/.+ would fill column "legacy" of public.orders_drift, which is integer, not a column add-columns made/,
      );
    });
  });

  it('makes its tables again when the warehouse lost them under a warm container (restored or reset), instead of failing every batch', async () => {
    const order = sampleOrder(987_654_321, 0);
    const staged = await stageRun('20261127T050000Z-reset', [{ line: order, valid: true }], 1);
    await runBatch(local.warehouse, ['DROP TABLE etl_load_files CASCADE']);
    const result = await loadBatch(local.s3, local.warehouse, orders, staged);
    expect(result.loaded).toHaveLength(1);
    expect(await query(local.warehouse, 'SELECT status FROM public.orders WHERE order_id = :id', { id: order.order_id })).toEqual([
      [order.status],
    ]);
    const [[files]] = <[number[]]>(
      await query(local.warehouse, "SELECT COUNT(*) FROM etl_load_files WHERE run_id = '20261127T050000Z-reset'")
    );
    expect(files).toBe(1);
  });

  it('maintains the tables: VACUUM and ANALYZE each, one at a time; a pipeline never loaded here is skipped, not a failure', async () => {
    const before = await table();
    const neverLoaded = { ...orders, name: 'ghost', table: 'ghost_orders' };
    const maintained = await maintainTables(local.warehouse, [neverLoaded, orders]);
    expect(maintained.map(({ table: name, skipped }) => [name, skipped])).toEqual([
      ['"public"."ghost_orders"', 'no such table on this stage yet (no run has loaded it)'],
      ['"public"."orders"', undefined],
      ['etl_load_files', undefined],
    ]);
    expect(await table()).toEqual(before);
  });

  it('keeps the table and ledger exact when loads race: one file twice at once (an SQS duplicate, a replay) and the parts of a run side by side', async () => {
    const runId = '20261127T040000Z-race';
    const staged = await stageRun(runId, sampleLines({ seed: 7, first: 200_000, count: 900 }), 3);
    const watermarkBefore = await committedWatermark(local.warehouse, 'orders');
    await Promise.all([
      loadBatch(local.s3, local.warehouse, orders, [staged[0]!]),
      loadBatch(local.s3, local.warehouse, orders, [staged[0]!]),
      loadBatch(local.s3, local.warehouse, orders, [staged[1]!, staged[2]!]),
      loadBatch(local.s3, local.warehouse, orders, [staged[2]!]),
    ]);
    const ledger = await query(
      local.warehouse,
      `SELECT COUNT(*), COUNT(DISTINCT staged_key) FROM etl_load_files WHERE run_id = '${runId}'`,
    );
    expect(ledger).toEqual([[3, 3]]);
    // Redshift keeps no key: a second insert of one order would be stored, so none may have happened
    expect(await query(local.warehouse, 'SELECT order_id FROM orders GROUP BY order_id HAVING COUNT(*) > 1')).toEqual([]);
    const [[staged_, inserted, updated, collapsed]] = <[number[]]>(
      await query(
        local.warehouse,
        `SELECT rows_staged, rows_inserted, rows_updated, collapsed_in_load FROM etl_runs WHERE run_id = '${runId}'`,
      )
    );
    expect(inserted! + updated! + collapsed!).toBe(staged_);
    // the run is complete: the watermark moved to its cursor, or stayed where it was higher, as in any serial order
    expect(await committedWatermark(local.warehouse, 'orders')).toBe([watermarkBefore ?? '', staged[0]!.run.cursorHigh!].sort().pop());
  });
});
