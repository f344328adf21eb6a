import type { Retry } from '@etl/middleware';
import type { Pipeline } from '@etl/pipeline-kit';
import { cursorToIso } from './extractRun';
import type { SourceRecords } from './extractRun';
import { httpRecords } from './sources/httpSource';

/** The records of a pipeline's HTTP API changed since the watermark (the URL from the source's `urlEnv`). */
export function httpRunRecords(
  pipeline: Pipeline,
  since: string | null,
  retry: Retry,
  env: NodeJS.ProcessEnv = process.env,
): SourceRecords {
  const source = pipeline.source;
  if (source.kind !== 'http') throw new Error(`pipeline ${pipeline.name} reads a ${source.kind} source, not an HTTP API`);
  const url = env[source.urlEnv];
  if (!url) throw new Error(`environment variable ${source.urlEnv} is not set: it holds pipeline ${pipeline.name}'s API URL`);
  return httpRecords(source, { url, since: cursorToIso(since), retry });
}
