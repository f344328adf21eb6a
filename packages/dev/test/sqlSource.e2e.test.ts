import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runDev } from '../src/devRun';
import { rowChecks } from '@etl/warehouse';

jest.setTimeout(5 * 60_000);

const MARIADB = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/**
 * `pnpm dev --source mariadb`: the orders come from a table in the running MariaDB through the
 * `orders_db` pipeline (SQL source, keyset pagination, the driver in the bundled worker), twice:
 * the second run reads from the watermark on, and brings the column the shop has added since.
 */
describe('pnpm dev with a MariaDB source table', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'etl-dev-sql-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads the table, then only what changed, with every row accounted for', async () => {
    const log: string[] = [];
    const run = (deliverTwice = false) =>
      runDev({ dir, rows: 12_000, sourceUrl: MARIADB, fixedPorts: false, deliverTwice, log: (line) => log.push(line) });
    // every batch delivered twice: the planned task fans out twice, every slice runs twice — one split, one run
    const first = await run(true);
    const { extracted, rejected, collapsed, inserted, updated } = first.rows;
    expect(extracted).toBeGreaterThan(11_500); // the generation's lines that are JSON objects: the table's rows
    expect(first.tasks).toBe(2); // fanned out: slices of 10,000 rows, extracted in parallel
    expect(extracted).toBe(inserted + updated + rejected + collapsed);
    expect(rejected).toBeGreaterThan(0); // dirty values kept as text in the source table are quarantined
    expect(first.tableRows).toBe(inserted);
    expect(log.join('\n')).toContain('table shop_orders');
    expect(first.addedColumns).toEqual([]);

    const second = await run();
    expect(second.rows.extracted).toBeLessThan(extracted / 2); // from the watermark on, not the whole table
    expect(second.rows.updated).toBeGreaterThan(0);
    expect(rowChecks(second.rows)).toEqual({ transform: true, load: true });
    expect(second.tableRows).toBe(first.tableRows + second.rows.inserted);
    // the shop added a column `channel` to its table in the meantime: drift policy add-columns follows it,
    // and every row this run wrote has it
    expect(second.addedColumns).toEqual([{ name: 'channel', rows: second.rows.inserted + second.rows.updated }]);
  });
});
