import type { RunSlice } from '@etl/contracts';
import type { Pipeline } from '@etl/pipeline-kit';
import { withNumbers } from '../../sourceRecords';
import type { SourceRecords } from '../../sourceRecords';
import { connectionUrl } from './connectionUrl';
import { sqlRecords } from './sqlSource';

import type { DatabaseDrivers } from '../sourceKind';
import type { SqlSource } from './definition';

/** A pipeline's SQL source, or an error naming what it reads instead. */
export function sqlSourceOf(pipeline: Pipeline): SqlSource {
  if (pipeline.source.kind !== 'sql') throw new Error(`pipeline ${pipeline.name} reads a ${pipeline.source.kind} source, not a SQL table`);
  return pipeline.source;
}

/**
 * The records of a pipeline's SQL table changed since the watermark — or, for one slice of a
 * fanned-out run, in that slice's cursor range (slice 0 also reads rows without a cursor).
 */
export async function sqlRunRecords(
  pipeline: Pipeline,
  since: string | null,
  slice: RunSlice | undefined,
  { env = process.env, databases }: { env?: NodeJS.ProcessEnv; databases: DatabaseDrivers },
): Promise<SourceRecords> {
  const source = sqlSourceOf(pipeline);
  const records = sqlRecords(pipeline, source, {
    connectionUrl: await connectionUrl(pipeline.name, source.connectionEnv, env),
    databases,
    ...(slice ? { since: slice.from, until: slice.until, nullCursorRows: slice.index === 0 } : { since }),
  });
  // Postgres values come as text; MySQL's as text, or numbers that are doubles already (FLOAT, DOUBLE, small integers)
  return withNumbers(records, () => 'plain');
}
