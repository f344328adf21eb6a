import { IDENTIFIER } from '@etl/pipeline-kit';
import { ENV_NAME } from '../sourceKind';
import type { SourceKind } from '../sourceKind';
import type { SqlSource } from './definition';
import { fanOutTask } from './fanOut';
import { sqlRunRecords } from './sqlRunRecords';

/**
 * A table of a Postgres or MySQL/MariaDB database: planned runs on the `extractSql` queue, whose
 * worker carries the drivers and may read the stage's source secrets; a run may fan out into slices.
 */
export const sqlKind: SourceKind<SqlSource> = {
  kind: 'sql',
  scaffoldName: 'sql',
  label: 'table',
  queue: 'extractSql',
  location: {
    env: (source) => source.connectionEnv,
    accepts: /^(postgres|postgresql|mysql|mariadb):\/\//,
    expected: 'a database: --source-url must be postgres://… or mysql://…',
    example: 'postgres://… (or mysql://…)',
    deployed: 'secret',
  },
  problems: (source, pipeline) => {
    const problems: string[] = [];
    if (!ENV_NAME.test(source.connectionEnv))
      problems.push(`source.connectionEnv "${source.connectionEnv}" is not an environment variable name (A-Z, 0-9, _)`);
    if (!IDENTIFIER.test(source.table.split('.').pop()!)) problems.push(`source.table "${source.table}" is not a plain identifier`);
    if (source.fanOut) {
      const { rowsPerTask, maxTasks } = source.fanOut;
      if (!Number.isInteger(rowsPerTask) || rowsPerTask < 1) problems.push(`source.fanOut.rowsPerTask ${rowsPerTask}: a whole number ≥ 1`);
      if (maxTasks !== undefined && !(Number.isInteger(maxTasks) && maxTasks >= 2 && maxTasks <= 100))
        problems.push(`source.fanOut.maxTasks ${maxTasks}: a whole number from 2 to 100`);
      if (!pipeline.incremental) problems.push('source.fanOut needs incremental.cursor: runs are split on the cursor');
    }
    return problems;
  },
  records: ({ pipeline, task, slice, env, databases }) => sqlRunRecords(pipeline, task.since, slice, { env, databases }),
  fanOut: ({ clients, bucket, queueUrl, pipeline, task, retry, env, databases }) =>
    fanOutTask(clients, { bucket, queueUrl }, pipeline, task, { retry, env, databases }),
  scaffold: (name) => ({
    source: { kind: 'sql', connectionEnv: `${name.toUpperCase()}_DB_URL`, table: name },
    comments: { table: 'the table to read; its rows are read by the cursor column (incremental.cursor)' },
  }),
};
