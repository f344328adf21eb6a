import { ADDED_FIELDS_COLUMN } from './addedColumns';
import type { Pipeline } from './definition';

/** The staged file's last column: the staged file a row came from, for the load's per-file accounting. */
export const SOURCE_COLUMN = '_etl_source';

/**
 * The columns of a pipeline's staged CSV, in order — the one definition the transform writes by
 * and the load COPYs by: the definition's columns (target, then derived), under drift policy
 * `add-columns` the row's added fields as one JSON object, then the source file.
 */
export function stagedColumns(pipeline: Pipeline): readonly string[] {
  return [...pipeline.columnNames, ...(pipeline.drift === 'add-columns' ? [ADDED_FIELDS_COLUMN] : []), SOURCE_COLUMN];
}
