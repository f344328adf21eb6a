/**
 * pnpm dev [--rows 20000] — the orders pipeline end to end on this machine; DATABASE_URL puts
 * the warehouse on that Postgres. Run it again for an incremental run.
 */
import { parseArgs } from 'node:util';
import { runDev } from '../src/devRun';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { values } = parseArgs({ options: { rows: { type: 'string', default: '20000' } } });
runDev({ rows: Number(values.rows), databaseUrl: process.env.DATABASE_URL || undefined, handleSignals: true })
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(`\n✘ pnpm dev: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
