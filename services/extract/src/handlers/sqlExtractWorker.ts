import { DATABASE_DRIVERS } from '@etl/extract';
import { extractTaskWorker } from '../extractTaskWorker';

/**
 * `extractSql` queue worker, for source kinds that read a database (SQL tables: Postgres,
 * MySQL/MariaDB; the connection URL from a Secrets Manager secret). A planned run is fanned out
 * first when its source has `fanOut`: one task per slice of the cursor range goes back on this
 * queue. A slice (or a run not fanned out) is extracted into raw part files; the last slice to
 * finish assembles the run and announces it on the transform queue.
 */
export const handler = extractTaskWorker('extractSql', { databases: DATABASE_DRIVERS });
