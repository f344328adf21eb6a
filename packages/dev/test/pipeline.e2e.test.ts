import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { launchStack, stopProcess } from '@etl/local-aws';
import type { LocalEndpoints } from '@etl/local-aws';
import { expectedOrdersTable, ORDERS_TABLE_QUERY } from '@etl/pipelines';
import { query } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';
import { runDev } from '../src/devRun';
import { rowChecks } from '../src/runSummary';
import { sampleGeneration } from '../src/sampleSource';

jest.setTimeout(15 * 60_000);

const ROWS = 50_000;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const checksum = (rows: unknown[][]) =>
  createHash('sha256')
    .update(rows.map((row) => row.map(String).join('\u0001')).join('\n'))
    .digest('hex');

/**
 * The orders pipeline end to end on the local stack (PGlite), as `pnpm dev` runs it: planner →
 * extract queue → HTTP source → raw files → transform queue → staged files + quarantine → load
 * queue → COPY/MERGE, all through serverless-offline and the local event source mappings.
 */
describe(`orders pipeline end to end, ${ROWS.toLocaleString('en')} source rows`, () => {
  let dir: string;
  let stack: { child: ChildProcess; ready: { endpoints: LocalEndpoints } };
  let warehouse: Warehouse;
  let s3: S3Client;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'etl-e2e-'));
    stack = await launchStack(['--dir', dir, '--s3-port', '0', '--sqs-port', '0', '--redshift-port', '0']);
    warehouse = {
      client: new RedshiftDataClient({ endpoint: stack.ready.endpoints.redshiftData, region: 'us-east-1', credentials }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: 'unused',
    };
    s3 = new S3Client({ endpoint: stack.ready.endpoints.s3, forcePathStyle: true, region: 'us-east-1', credentials });
  }, 120_000);
  afterAll(async () => {
    warehouse?.client.destroy();
    s3?.destroy();
    if (stack) await stopProcess(stack.child);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const log: string[] = [];
  const run = (extra: Parameters<typeof runDev>[0] = {}) =>
    runDev({ dir, rows: ROWS, fixedPorts: false, log: (line) => log.push(line), ...extra });

  async function quarantined(runId: string): Promise<{ rejections: { rule: string; field: string }[] }[]> {
    const records: { rejections: { rule: string; field: string }[] }[] = [];
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: 'etl-data-dev', Prefix: `quarantine/orders/${runId}/` })) {
      for (const object of page.Contents ?? []) {
        const body = await (await s3.send(new GetObjectCommand({ Bucket: 'etl-data-dev', Key: object.Key! }))).Body!.transformToByteArray();
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
    const actual = await query(warehouse, ORDERS_TABLE_QUERY);
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
    const actual = await query(warehouse, ORDERS_TABLE_QUERY);
    expect(actual.length).toBe(expected.length);
    expect(checksum(actual)).toBe(checksum(expected));
    expect(summary.rows.extracted).toBeLessThan(ROWS / 2); // only what changed since the watermark
    expect(summary.rows.updated).toBeGreaterThan(0);
    expect(rowChecks(summary.rows)).toEqual({ transform: true, load: true });
    const [[files]] = (await query(warehouse, 'SELECT COUNT(*) FROM etl_load_files WHERE run_id = :run', { run: summary.runId })) as [
      [number],
    ];
    const [[parts]] = (await query(warehouse, 'SELECT parts FROM etl_runs WHERE run_id = :run', { run: summary.runId })) as [[number]];
    expect(files).toBe(parts); // each file loaded once, however often it was delivered
  });
});
