import { coercer, isRefusal } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { sourceValue } from './rawLine';
import { batchedRecords, recordBatches, withNumbers } from './sourceRecords';
import type { SourceRecords } from './sourceRecords';

/**
 * A record's incremental cursor value in canonical text (as the watermark holds it): null when
 * the record has none (or it does not coerce: the transform rejects such a row), undefined for
 * a pipeline without a cursor or a record that is not an object (unparsed bytes).
 */
export function cursorReader(pipeline: Pipeline): ((record: unknown) => string | null | undefined) | undefined {
  const name = pipeline.incremental?.cursor;
  const column = name ? pipeline.target.columns[name] : undefined;
  if (!name || !column) return undefined;
  const field = column.from ?? name;
  const coerce = coercer(column.type);
  return (item) => {
    const record = sourceValue(item);
    if (typeof record !== 'object' || record === null || Buffer.isBuffer(record)) return undefined;
    const value = (record as Record<string, unknown>)[field];
    if (value === undefined || value === null) return null;
    const coerced = coerce(value);
    return typeof coerced === 'string' ? coerced : null;
  };
}

/**
 * A cursor bound as a user typed it (`--from 2026-11-01T00:00:00Z`), in the canonical text runs
 * compare by.
 *
 * @throws naming the pipeline, its cursor column and what it takes, when the text is not a value of it.
 */
export function canonicalCursor(pipeline: Pipeline, text: string): string {
  const name = pipeline.incremental?.cursor;
  const column = name ? pipeline.target.columns[name] : undefined;
  if (!name || !column) throw new Error(`pipeline ${pipeline.name} has no incremental cursor: there is no range to backfill`);
  const coerced = coercer(column.type)(text);
  if (coerced === null || isRefusal(coerced))
    throw new Error(
      `"${text}" is not a value of ${pipeline.name}'s cursor ${name} (${column.type.kind})${coerced && isRefusal(coerced) ? `: ${coerced.message}` : ''}`,
    );
  return coerced;
}

/**
 * The records of a bounded run (a backfill): those whose cursor is below `until`. Records at or
 * above it, and records without a cursor value, are outside the range and counted in `outside`
 * (the next scheduled run reads them from the watermark, as it would have). Records the extract
 * cannot judge (not objects) pass: the transform quarantines them with their reason. Batch by
 * batch, as the source has them; what the source knows of its numbers holds for the rest.
 */
export function belowCursor(pipeline: Pipeline, records: SourceRecords, until: string, outside: { rows: number }): SourceRecords {
  const cursor = cursorReader(pipeline);
  const below = (record: unknown) => {
    const value = cursor?.(record);
    if (value === undefined || (value !== null && value < until)) return true;
    outside.rows++;
    return false;
  };
  async function* kept() {
    for await (const batch of recordBatches(records)) {
      const inRange = batch.filter(below);
      if (inRange.length > 0) yield inRange;
    }
  }
  return withNumbers(batchedRecords(kept()), () => records.numbers?.());
}

/**
 * A backfill's range from a planner event `{ from, to }`: bounds in the cursor's canonical text;
 * `from` may be null (from the beginning), `to` is required and above `from`.
 *
 * @throws naming what is wrong, so `etl backfill` (or an invoke) says it at once.
 */
export function backfillRange(pipeline: Pipeline, range: { from?: unknown; to?: unknown }): { from: string | null; until: string } {
  if (typeof range.to !== 'string') throw new Error(`a backfill of ${pipeline.name} needs its end: { "from": …, "to": "<cursor value>" }`);
  if (range.from !== undefined && range.from !== null && typeof range.from !== 'string')
    throw new Error(`a backfill's "from" is a cursor value or null, not ${JSON.stringify(range.from)}`);
  const from = range.from === undefined || range.from === null ? null : canonicalCursor(pipeline, range.from);
  const until = canonicalCursor(pipeline, range.to);
  if (from !== null && from >= until) throw new Error(`a backfill's range is empty: from ${from} is not below to ${until}`);
  return { from, until };
}
