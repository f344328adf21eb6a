import type { RunSlice } from '@etl/contracts';
import type { Pipeline } from '@etl/pipeline';
import { connectionUrl } from './sources/connectionUrl';
import { cursorBoundaries } from './sources/sqlSource';

/** Default upper bound of tasks per fanned-out run. */
export const DEFAULT_MAX_TASKS = 16;

/**
 * How a run of the pipeline from `since` is split into parallel extract tasks: the slices of its
 * cursor range, from the source's own cursor values (SQL sources with `fanOut`). Undefined when
 * the run is one task: no fan-out configured, or not enough rows to split.
 */
export async function planSlices(pipeline: Pipeline, since: string | null, env: NodeJS.ProcessEnv): Promise<RunSlice[] | undefined> {
  const source = pipeline.source;
  if (source.kind !== 'sql' || !source.fanOut) return undefined;
  const boundaries = await cursorBoundaries(pipeline, source, {
    connectionUrl: await connectionUrl(source.connectionEnv, env),
    since,
    rowsPerTask: source.fanOut.rowsPerTask,
    maxTasks: source.fanOut.maxTasks ?? DEFAULT_MAX_TASKS,
  });
  if (boundaries.length === 0) return undefined;
  const count = boundaries.length + 1;
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    from: index === 0 ? since : boundaries[index - 1]!,
    until: index < boundaries.length ? boundaries[index]! : null,
  }));
}
