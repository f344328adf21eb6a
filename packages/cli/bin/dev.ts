/**
 * pnpm dev [--rows 20000] [--source api|postgres|mariadb] [--source-url URL] [--dashboard-port 4700] [--no-dashboard] [--keep-open]
 *
 * The orders pipeline end to end on this machine. `--source api` (the default) serves the sample
 * orders from a local shop API (pipeline `orders`); `postgres` / `mariadb` write them to the table
 * `shop_orders` of the local Postgres (database test) or MariaDB (database test), or of the database
 * at --source-url / SOURCE_DATABASE_URL, and run the `orders_db` pipeline from it. DATABASE_URL
 * puts the warehouse on that Postgres. Run it again for an incremental run.
 *
 * The dashboard (`etl dashboard`, actions allowed) follows the run; on a terminal the stack,
 * the services and the dashboard stay up after the run until Ctrl-C (`--keep-open` forces it).
 */
import { parseArgs } from 'node:util';
import { runDev } from '@etl/dev';
import { localTarget } from '../src/target';
import { startDashboard } from '../src/dashboard/server';

const LOCAL_SOURCES: Record<string, string | undefined> = {
  api: undefined,
  postgres: 'postgres://postgres@127.0.0.1:5432/test',
  mariadb: 'mysql://root@127.0.0.1:3306/test',
};
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '20000' },
    source: { type: 'string', default: 'api' },
    'source-url': { type: 'string' },
    'dashboard-port': { type: 'string', default: '4700' },
    'no-dashboard': { type: 'boolean', default: false },
    'keep-open': { type: 'boolean', default: false },
  },
});
if (!(values.source in LOCAL_SOURCES)) {
  console.error(`✘ pnpm dev: --source must be one of ${Object.keys(LOCAL_SOURCES).join(', ')}, not "${values.source}"`);
  process.exit(2);
}
const sourceUrl =
  values.source === 'api' ? undefined : (values['source-url'] ?? process.env.SOURCE_DATABASE_URL ?? LOCAL_SOURCES[values.source]);
const dashboard = !values['no-dashboard'];
runDev({
  rows: Number(values.rows),
  databaseUrl: process.env.DATABASE_URL || undefined,
  sourceUrl,
  handleSignals: true,
  keepOpen: dashboard && (values['keep-open'] || process.stdout.isTTY === true),
  onStarted: dashboard
    ? async (local) => {
        // the page is for watching: a port already taken costs the page, not the run
        const started = await startDashboard({
          target: localTarget(local, { invokeExtract: (name, payload) => local.invokeExtract(name, payload) }),
          port: Number(values['dashboard-port']),
          allowActions: true,
        }).catch((error: Error) => {
          console.log(`▸ no dashboard: ${error.message} (--dashboard-port N picks another port, --no-dashboard none)`);
          return undefined;
        });
        if (!started) return;
        console.log(`▶ dashboard ${started.url} (follows the run live)`);
        return started.stop;
      }
    : undefined,
})
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(`\n✘ pnpm dev: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
