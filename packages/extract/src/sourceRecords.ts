import type { Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline';
import { cursorToIso } from './extractRun';
import { connectionUrl } from './sources/connectionUrl';
import { httpRecords } from './sources/httpSource';
import { sqlRecords } from './sources/sqlSource';

/** The records of a pipeline's source changed since the watermark, whatever kind of source it is. */
export async function sourceRecords(
  pipeline: Pipeline,
  since: string | null,
  retry: Retry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AsyncIterable<unknown>> {
  const source = pipeline.source;
  switch (source.kind) {
    case 'http': {
      const url = env[source.urlEnv];
      if (!url) throw new Error(`environment variable ${source.urlEnv} is not set: it holds pipeline ${pipeline.name}'s API URL`);
      return httpRecords(source, { url, since: cursorToIso(since), retry });
    }
    case 'sql':
      return sqlRecords(pipeline, source, { connectionUrl: await connectionUrl(source.connectionEnv, env), since });
    case 's3-drop':
      throw new Error(`pipeline ${pipeline.name}: S3 drops are extracted when an object lands (not by the planner)`);
  }
}
