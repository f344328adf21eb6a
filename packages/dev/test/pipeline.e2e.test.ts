import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { contracts, dataKeys, parseMessage } from '@etl/contracts';
import type { RunWaiting } from '@etl/contracts';
import { expectedOrdersTable, ORDERS_TABLE_QUERY } from '@etl/pipelines';
import { query } from '@etl/warehouse';
import { runDev } from '../src/devRun';
import { rowChecks } from '@etl/warehouse';
import { sampleGeneration } from '../src/sampleSource';
import { checksum, useDevStack } from './devStack';

jest.setTimeout(15 * 60_000);

const ROWS = 50_000;

/**
 * The orders pipeline end to end on the local stack (PGlite), as `pnpm dev` runs it: planner →
 * extract queue → HTTP source → raw files → transform queue → staged files + quarantine → load
 * queue → COPY/MERGE, all through serverless-offline and the local event source mappings.
 */
describe(`orders pipeline end to end, ${ROWS.toLocaleString('en')} source rows`, () => {
  const local = useDevStack('etl-e2e-');

  const log: string[] = [];
  const run = (extra: Parameters<typeof runDev>[0] = {}) =>
    runDev({ dir: local.dir, rows: ROWS, fixedPorts: false, log: (line) => log.push(line), ...extra });

  async function quarantined(runId: string): Promise<{ rejections: { rule: string; field: string }[] }[]> {
    const records: { rejections: { rule: string; field: string }[] }[] = [];
    for await (const page of paginateListObjectsV2(
      { client: local.s3 },
      { Bucket: 'etl-data-dev', Prefix: `quarantine/orders/${runId}/` },
    )) {
      for (const object of page.Contents ?? []) {
        const body = await (
          await local.s3.send(new GetObjectCommand({ Bucket: 'etl-data-dev', Key: object.Key! }))
        ).Body!.transformToByteArray();
        records.push(
          ...gunzipSync(Buffer.from(body))
            .toString()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { rejections: { rule: string; field: string }[] }),
        );
      }
    }
    return records;
  }

  it('loads exactly the valid rows, newest version of each order, and accounts for every row', async () => {
    const summary = await run();
    const lines = sampleGeneration(0, ROWS);
    const expected = expectedOrdersTable(lines);
    const actual = await query(local.warehouse, ORDERS_TABLE_QUERY);
    expect(actual.length).toBe(expected.length);
    expect(checksum(actual)).toBe(checksum(expected));

    const { extracted, inserted, updated, rejected, collapsed } = summary.rows;
    expect(extracted).toBe(lines.length);
    expect(extracted).toBe(inserted + updated + rejected + collapsed);
    expect(rowChecks(summary.rows)).toEqual({ transform: true, load: true });
    expect(rejected).toBe(lines.filter((l) => !l.valid).length);
    expect(inserted).toBe(expected.length);

    const quarantine = await quarantined(summary.runId);
    expect(quarantine).toHaveLength(rejected);
    const dirt = new Map<string, number>();
    for (const l of lines) if (!l.valid) dirt.set(l.dirt!, (dirt.get(l.dirt!) ?? 0) + 1);
    // every kind of dirt is in the quarantine with its own reason
    expect(quarantine.filter((q) => q.rejections.some((r) => r.field === 'coupon' && r.rule === 'unknown-field')).length).toBe(
      dirt.get('unknown column'),
    );
    expect(quarantine.filter((q) => q.rejections.some((r) => r.field === 'order_ts' && r.rule === 'timestamp')).length).toBe(
      dirt.get('impossible date'),
    );
    expect(quarantine.filter((q) => q.rejections.some((r) => r.field === 'note' && r.rule === 'length')).length).toBe(
      dirt.get('too long (bytes)'),
    );
    expect(Object.values(summary.rejectsByRule).reduce((a, b) => a + b, 0)).toBe(rejected);
  });

  it('merges the next run incrementally; delivering every message twice and replaying the extraction change nothing', async () => {
    const summary = await run({ deliverTwice: true, replayRun: true });
    const lines = sampleGeneration(1, ROWS);
    const expected = expectedOrdersTable(lines);
    const actual = await query(local.warehouse, ORDERS_TABLE_QUERY);
    expect(actual.length).toBe(expected.length);
    expect(checksum(actual)).toBe(checksum(expected));
    expect(summary.rows.extracted).toBeLessThan(ROWS / 2); // only what changed since the watermark
    expect(summary.rows.updated).toBeGreaterThan(0);
    expect(rowChecks(summary.rows)).toEqual({ transform: true, load: true });
    const [[files]] = (await query(local.warehouse, 'SELECT COUNT(*) FROM etl_load_files WHERE run_id = :run', { run: summary.runId })) as [
      [number],
    ];
    const [[parts]] = (await query(local.warehouse, 'SELECT parts FROM etl_runs WHERE run_id = :run', { run: summary.runId })) as [
      [number],
    ];
    expect(files).toBe(parts); // each file loaded once, however often it was delivered
  });

  it('rides out an API outage of 12 × 500 on one page: the run finishes within a minute of the recovery, exact', async () => {
    let lastFault = 0;
    // meanwhile the run shows as waiting, and why (state/waiting/, what etl runs, etl status and the dashboard read)
    const seen: RunWaiting[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { Contents = [] } = await local.s3.send(new ListObjectsV2Command({ Bucket: 'etl-data-dev', Prefix: dataKeys.waitingPrefix }));
        for (const object of Contents) {
          const body = await local.s3.send(new GetObjectCommand({ Bucket: 'etl-data-dev', Key: object.Key! })).catch(() => undefined);
          if (body) seen.push(parseMessage(contracts.runWaiting, await body.Body!.transformToString()));
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    // the run's first page answers 500 twelve times running: more than one invocation's retry budget (5 attempts)
    const summary = await run({
      apiFaultAt: (request) => {
        if (request > 12) return undefined;
        lastFault = Date.now();
        return 'internal-error';
      },
    });
    const finished = Date.now();
    watching = false;
    await watch;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ pipeline: 'orders', runId: summary.runId, service: 'extract', code: 'RETRIES_EXHAUSTED' });
    expect(seen[0]!.reason).toMatch(/answered 500/);
    // once the message passed, the run no longer waits
    const { KeyCount } = await local.s3.send(new ListObjectsV2Command({ Bucket: 'etl-data-dev', Prefix: dataKeys.waitingPrefix }));
    expect(KeyCount).toBe(0);
    expect(lastFault).toBeGreaterThan(0);
    expect(finished - lastFault).toBeLessThan(60_000);
    const expected = expectedOrdersTable(sampleGeneration(2, ROWS));
    expect(checksum(await query(local.warehouse, ORDERS_TABLE_QUERY))).toBe(checksum(expected));
    expect(rowChecks(summary.rows)).toEqual({ transform: true, load: true });
  });
});
