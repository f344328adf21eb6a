import type { RunSlice } from '@etl/contracts';
import type { Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline';
import { cursorToIso } from './extractRun';
import { connectionUrl } from './sources/connectionUrl';
import { httpRecords } from './sources/httpSource';
import { sqlRecords } from './sources/sqlSource';

/**
 * The records of a pipeline's source changed since the watermark, whatever kind of source it is;
 * with `slice`, only that slice's cursor range (SQL sources, which the planner fans out).
 */
export async function sourceRecords(
  pipeline: Pipeline,
  since: string | null,
  retry: Retry,
  env: NodeJS.ProcessEnv = process.env,
  slice?: RunSlice,
): Promise<AsyncIterable<unknown>> {
  const source = pipeline.source;
  switch (source.kind) {
    case 'http': {
      if (slice) throw new Error(`pipeline ${pipeline.name}: only SQL sources are fanned out into slices`);
      const url = env[source.urlEnv];
      if (!url) throw new Error(`environment variable ${source.urlEnv} is not set: it holds pipeline ${pipeline.name}'s API URL`);
      return httpRecords(source, { url, since: cursorToIso(since), retry });
    }
    case 'sql':
      return sqlRecords(pipeline, source, {
        connectionUrl: await connectionUrl(source.connectionEnv, env),
        ...(slice ? { since: slice.from, until: slice.until, nullCursorRows: slice.index === 0 } : { since }),
      });
    case 's3-drop':
      throw new Error(`pipeline ${pipeline.name}: S3 drops are extracted when an object lands (not by the planner)`);
  }
}
