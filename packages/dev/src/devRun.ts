import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@etl/harness';
import { sourceParams as sourceParamsOf } from '@etl/extract';
import { orders, ordersDb, startOrdersApi } from '@etl/pipelines';
import type { ApiFault } from '@etl/pipelines';
import { SAMPLE_TABLE, writeSampleTable } from './sampleDatabase';
import { nextGeneration, sampleGeneration } from './sampleSource';
import { runLocally } from './localRun';
import type { LocalRunOptions, RunSummary } from './localRun';

export interface DevOptions extends Omit<LocalRunOptions, 'pipeline' | 'sourceParams' | 'note'> {
  /** Orders in the sample source's first generation. */
  rows?: number;
  /**
   * Read the orders from this Postgres or MySQL/MariaDB (`postgres://…`, `mysql://…`): the sample
   * generation is written to its table `shop_orders` and the `orders_db` pipeline runs instead of
   * `orders` (the sample shop API).
   */
  sourceUrl?: string;
  /** The sample shop API's fault for request number n (1-based), if any (an outage, a bad page). */
  apiFaultAt?: (request: number) => ApiFault | undefined;
}

export interface DevSummary extends RunSummary {
  generation: number;
  sourceLines: number;
  /** CPU-seconds the sample API spent answering the run's requests (in this process; none for a database source). */
  sourceCpuSeconds?: number;
}

/**
 * `pnpm dev`: runs the `orders` pipeline end to end on this machine (see {@link runLocally})
 * from a sample shop API — or, with `sourceUrl`, the `orders_db` pipeline from a sample table in
 * Postgres or MariaDB. Each call moves the sample source one generation on, so the next run is
 * incremental.
 */
export async function runDev(options: DevOptions = {}): Promise<DevSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = path.resolve(options.dir ?? path.join(REPO_ROOT, '.local'));
  mkdirSync(dir, { recursive: true });
  const generation = nextGeneration(dir);
  const lines = sampleGeneration(generation, options.rows ?? 20_000);
  const pipeline = options.sourceUrl ? ordersDb : orders;
  let sourceParams: Record<string, string> = {};
  let stopApi: (() => Promise<void>) | undefined;
  let apiCpu: (() => number) | undefined;
  if (options.sourceUrl) {
    const rows = await writeSampleTable(options.sourceUrl, lines, generation);
    const { protocol, host, pathname } = new URL(options.sourceUrl); // not the whole URL: it may hold a password
    log(
      `▶ sample shop database ${protocol}//${host}${pathname}, table ${SAMPLE_TABLE}: generation ${generation}, ${rows} rows (dirty values and updates included)`,
    );
    sourceParams = sourceParamsOf(pipeline, options.sourceUrl);
  } else {
    const api = await startOrdersApi(lines, { port: (options.fixedPorts ?? true) ? 4580 : 0, faultAt: options.apiFaultAt });
    stopApi = api.stop;
    apiCpu = api.cpuSeconds;
    log(`▶ sample shop API ${api.url}: generation ${generation}, ${lines.length} order lines (dirty rows and updates included)`);
    sourceParams = sourceParamsOf(pipeline, api.url);
  }
  try {
    const summary = await runLocally({ ...options, dir, log, pipeline, sourceParams, note: `sample generation ${generation}` });
    return { ...summary, generation, sourceLines: lines.length, ...(apiCpu ? { sourceCpuSeconds: apiCpu() } : {}) };
  } finally {
    await stopApi?.();
  }
}
